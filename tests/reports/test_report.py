"""The monthly report: its figures, the PDF (French text extractable), the download from
the web pages with its isolation, and ``convergence report``."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pypdf
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from convergence.alerts.evaluation import evaluate_batch
from convergence.alerts.schemas import RuleCreate
from convergence.alerts.service import create_rule
from convergence.cli.main import app
from convergence.errors import InvalidInput
from convergence.members.roles import Role
from convergence.members.scope import command_line_scope
from convergence.reports.pdf import render_pdf
from convergence.reports.service import member_report, month_days, parse_month
from convergence.settings import get_settings
from convergence.timeseries.store import NewReading, store_readings
from tests.reports.planting import Sites, plant_commune
from tests.support import Territory
from tests.web.pages_support import MARKER, log_in_as

OCTOBER = date(2026, 10, 1)
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
runner = CliRunner()


def pdf_text(document: bytes) -> str:
    """The text of every page, spaces of any kind written as one space."""
    reader = pypdf.PdfReader(io.BytesIO(document))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


@pytest.fixture
def october(engine: Engine, territory: Territory) -> Sites:
    """Versailles in October 2026, with one PM10 alert fired on its last evening."""
    sites = plant_commune(engine, territory.versailles, first=OCTOBER, days=31, prefix=f"{MARKER} ")
    fired_at = datetime(2026, 10, 31, 22, 45, tzinfo=UTC)  # 23:45 in Paris, after the others
    rule = RuleCreate.model_validate(
        {"name": "PM10 élevé", "target_kind": "asset", "asset_id": sites.air,
         "member_id": territory.versailles.id, "severity": "critical",
         "params": {"kind": "threshold", "quantity": "pm10", "limit": 50}}
    )  # fmt: skip
    reading = NewReading(sites.air, territory.versailles.id, "pm10", "µg/m³", fired_at, 99.0)
    with engine.begin() as conn:
        create_rule(conn, scope=command_line_scope(), data=rule)
        evaluate_batch(conn, stored=store_readings(conn, [reading]).inserted, now=fired_at)
    return sites


def test_months_are_read_and_checked() -> None:
    assert parse_month("2026-10", today=date(2026, 11, 28)) == (2026, 10)
    assert month_days(2026, 2) == (date(2026, 2, 1), date(2026, 2, 28))
    assert month_days(2026, 12) == (date(2026, 12, 1), date(2026, 12, 31))
    for wrong in ("2026-13", "octobre", "2026-1", "2027-01"):
        with pytest.raises(InvalidInput):
            parse_month(wrong, today=date(2026, 11, 28))


def test_the_report_holds_the_month_s_figures(
    engine: Engine, territory: Territory, october: Sites
) -> None:
    with engine.connect() as conn:
        report = member_report(
            conn, scope=command_line_scope(), member_id=territory.versailles.id,
            year=2026, month=10, now=NOW,
        )  # fmt: skip
    assert [c.insee for c in report.communes] == ["78646"]
    (commune,) = report.communes
    air = commune.sections[0]
    assert ("4 — Mauvais", "1") in air.tables[0].rows
    assert "1 jour(s) « mauvais » ou pire" in air.sentences[1]
    assert [a.rule_name for a in report.alerts] == ["PM10 élevé"]
    assert commune.availability.days == 31
    shares = {d.domain: round(d.mean_share) for d in commune.availability.domains}
    assert shares["noise"] == 100
    assert shares["air"] == 50  # the silent sensor sent nothing in October
    assert [a.name for a in commune.availability.low] == [f"{MARKER} Capteur muet"]


def test_the_pdf_is_a_french_document_with_those_figures(
    engine: Engine, territory: Territory, october: Sites
) -> None:
    with engine.connect() as conn:
        report = member_report(
            conn, scope=command_line_scope(), member_id=territory.versailles.id,
            year=2026, month=10, now=NOW,
        )  # fmt: skip
    document = render_pdf(report)
    assert document.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(document))
    assert reader.metadata is not None
    assert reader.metadata.title == "Rapport mensuel Versailles 2026-10"
    text = pdf_text(document)
    for expected in (
        "Rapport mensuel — Versailles",
        "Octobre 2026, du 01/10/2026 au 31/10/2026",
        "Indice de type ATMO calculé à partir des capteurs de la commune (non officiel)",
        "4 — Mauvais",
        "Lden du mois le plus élevé : 66,4 dB(A)",
        "TMJ du mois 7 123 véhicules/jour",  # the 25-hour day of October weighs in
        "Niveau le plus haut atteint dans le mois : orange",
        # The cabinet's first index reading is at 00:30 on 1 October: the month's first half
        # hour is unknown, so its energy is not given as a figure.
        "Énergie du mois : données insuffisantes (99 %) (règle : 100 %).",
        "Disponibilité des données",
        "PM10 élevé",
        "Alertes du mois",
    ):
        assert expected in text, expected
    assert not re.search(r"indice ATMO", text, flags=re.IGNORECASE)


def test_the_report_is_downloaded_from_the_pages(
    client: TestClient, territory: Territory, october: Sites
) -> None:
    log_in_as(client, territory.versailles, Role.elected)
    response = client.get("/rapports/2026-10.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="rapport-adherent-' in response.headers["content-disposition"]
    assert "PM10 élevé" in pdf_text(response.content)
    one = client.get("/rapports/2026-10.pdf?commune=78646")
    assert "Rapport mensuel — Versailles" in pdf_text(one.content)
    assert client.get("/rapports/2026-13.pdf").status_code == 422
    assert client.get("/rapports/2099-01.pdf").status_code == 422


def test_another_commune_gets_nothing_of_versailles(
    client: TestClient, territory: Territory, october: Sites
) -> None:
    log_in_as(client, territory.boulogne, Role.member_admin)
    assert client.get("/rapports/2026-10.pdf?commune=78646").status_code == 404
    own = pdf_text(client.get("/rapports/2026-10.pdf").content)
    assert "Rapport mensuel — Boulogne-Billancourt" in own
    assert MARKER not in own
    assert "Versailles" not in own
    assert "PM10 élevé" not in own


@pytest.fixture
def cli_env(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("CONVERGENCE_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CONVERGENCE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_the_command_writes_the_pdf(cli_env: Path, territory: Territory, october: Sites) -> None:
    target = cli_env / "versailles.pdf"
    result = runner.invoke(app, ["report", "--member", "78646", "--month", "2026-10", "-o",
                                 str(target)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Rapport de Versailles pour 2026-10 (Versailles)" in result.output
    assert "66,4 dB(A)" in pdf_text(target.read_bytes())
    default = runner.invoke(app, ["report", "--member", "Versailles", "--month", "2026-10"])
    assert default.exit_code == 0, default.output
    assert (cli_env / "rapport-217806462-2026-10.pdf").read_bytes().startswith(b"%PDF")
    wrong = runner.invoke(app, ["report", "--member", "78646", "--month", "2026-1"])
    assert wrong.exit_code == 2
    unknown = runner.invoke(app, ["report", "--member", "99999", "--month", "2026-10"])
    assert unknown.exit_code == 2
