"""The pieces under the rules: French wording, groups, fingerprints, rules from settings, and
the migration matching the tables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from convergence.coordination.clusters import connected_groups
from convergence.coordination.explanations import duplicate_text
from convergence.coordination.schemas import (
    CoordinationRules,
    ProposalDraft,
    ProposalKind,
    rules_from_settings,
)
from convergence.coordination.service import fingerprint
from convergence.coordination.tables import comments, proposal_members, proposals
from convergence.coordination.wording import join_names, month_span, together
from convergence.db.schema import load_all_tables
from convergence.french_format import euros
from convergence.registry.kinds import Domain
from convergence.settings import Settings


@pytest.mark.parametrize(
    ("dates", "said"),
    [
        ([date(2027, 3, 1), date(2027, 3, 30)], "en mars 2027"),
        ([date(2027, 6, 15), date(2027, 3, 1)], "entre mars et juin 2027"),
        ([date(2027, 2, 1), date(2026, 11, 5)], "entre novembre 2026 et février 2027"),
    ],
)
def test_month_spans_read_as_people_say_them(dates: list[date], said: str) -> None:
    assert month_span(dates) == said


def test_names_amounts_and_counts_in_french() -> None:
    assert join_names(["Versailles"]) == "Versailles"
    assert join_names(["A", "B", "C"]) == "A, B et C"
    assert euros(Decimal("96000.4")) == "96\u202f000 €"
    assert euros(Decimal("1234567.5")) == "1\u202f234\u202f568 €"
    assert (together(2), together(3), together(7)) == ("toutes deux", "toutes trois", "toutes")


def test_connected_groups_follow_chains_of_links() -> None:
    groups = connected_groups([1, 2, 3, 4, 5], [(1, 2), (2, 3), (5, 4)])
    assert groups == [[1, 2, 3], [4, 5]]


def _draft(member_ids: list[int], key: str = "initiative:7") -> ProposalDraft:
    return ProposalDraft(
        kind=ProposalKind.joint_purchase,
        domain=Domain.air,
        member_ids=member_ids,
        communes=[],
        key=key,
        title="t",
        explanation="e",
        evidence={},
        score=0,
    )


def test_a_fingerprint_ignores_member_order_and_wording_but_not_the_key() -> None:
    assert fingerprint(_draft([3, 1])) == fingerprint(_draft([1, 3]))
    assert fingerprint(_draft([1, 3])) != fingerprint(_draft([1, 3], key="initiative:8"))
    assert fingerprint(_draft([1, 3])) != fingerprint(_draft([1, 4]))


SECRET = "s" * 48


def test_the_rules_read_the_coordination_settings_and_keep_defaults_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert rules_from_settings(Settings(secret_key=SECRET)) == CoordinationRules()
    monkeypatch.setenv("CONVERGENCE_COORDINATION_JOINT_PURCHASE_WINDOW_DAYS", "90")
    rules = rules_from_settings(Settings(secret_key=SECRET))
    assert rules.joint_purchase_window_days == 90
    assert rules.duplicate_price_spread == 0.2
    assert rules.shared_network_radius_m == CoordinationRules().shared_network_radius_m


def test_the_migration_creates_exactly_the_coordination_tables(engine: Engine) -> None:
    ours = {proposals.name, proposal_members.name, comments.name}
    with engine.connect() as conn:
        differences = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), load_all_tables()
        )
    assert [d for d in differences if any(name in str(d) for name in ours)] == []


def test_long_lists_of_members_and_prices_are_summed_up() -> None:
    names = [f"Commune {n}" for n in range(1, 8)]
    assert join_names(names, limit=5) == (
        "Commune 1, Commune 2, Commune 3, Commune 4, Commune 5 et 2 autres"
    )
    # One name more is written out, never « et 1 autres ».
    assert join_names(names[:6], limit=5) == (
        "Commune 1, Commune 2, Commune 3, Commune 4, Commune 5 et Commune 6"
    )
    prices = [(name, Decimal(100 + 10 * n)) for n, name in enumerate(names)]
    text = duplicate_text(
        subject="le même modèle X", prices=prices, spread=0.6, savings=Decimal(2100)
    )
    assert "de 100 € l'unité pour Commune 1 à 160 € pour Commune 7, entre 7 adhérents" in text
    assert text.startswith("Commune 1, Commune 2, Commune 3, Commune 4, Commune 5 et 2 autres ")
