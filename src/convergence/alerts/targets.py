"""Rules as evaluated, the equipment they watch, and which rule applies to which asset."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Connection, Row, and_, select, true

from convergence.alerts.kinds import RuleKind, Severity, TargetKind
from convergence.alerts.schemas import TARGET_FIELDS, RuleParams
from convergence.alerts.tables import alert_rules
from convergence.registry.tables import assets

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "rule evaluation loads each rule's own targets, for every member"

PARAMS = TypeAdapter[RuleParams](RuleParams)
# Equipment not in the field is not watched (a planned sensor cannot fall silent).
WATCHED_STATUSES = ("installed", "active", "faulty")


@dataclass(frozen=True, slots=True)
class Rule:
    """An enabled rule with its parameters validated."""

    id: int
    member_id: int
    name: str
    kind: RuleKind
    severity: Severity
    target_kind: TargetKind
    target: Any
    params: RuleParams
    cooldown_s: int


@dataclass(frozen=True, slots=True)
class Asset:
    """What evaluation and messages need to know of one piece of equipment."""

    id: int
    member_id: int
    name: str
    domain: str
    device_model_id: int | None
    commune_insee: str | None


def rule_of(row: Row[Any]) -> Rule:
    """A rule from its table row."""
    kind = TargetKind(row.target_kind)
    return Rule(
        id=row.id,
        member_id=row.member_id,
        name=row.name,
        kind=RuleKind(row.kind),
        severity=Severity(row.severity),
        target_kind=kind,
        target=getattr(row, TARGET_FIELDS[kind]),
        params=PARAMS.validate_python(row.params),
        cooldown_s=row.cooldown_s,
    )


def load_rules(
    conn: Connection, *, kinds: Iterable[RuleKind], member_ids: Iterable[int] | None = None
) -> list[Rule]:
    """Enabled rules of these kinds (of these members, or of all when None)."""
    query = select(alert_rules).where(
        alert_rules.c.enabled.is_(True), alert_rules.c.kind.in_(sorted(kinds))
    )
    if member_ids is not None:
        query = query.where(alert_rules.c.member_id.in_(sorted(set(member_ids))))
    return [rule_of(r) for r in conn.execute(query.order_by(alert_rules.c.id))]


def applies_to(rule: Rule, asset: Asset) -> bool:
    """True when ``asset`` is among the equipment the rule watches."""
    if asset.member_id != rule.member_id:
        return False
    value = {
        TargetKind.asset: asset.id,
        TargetKind.device_model: asset.device_model_id,
        TargetKind.commune: asset.commune_insee,
        TargetKind.domain: asset.domain,
    }[rule.target_kind]
    return bool(value == rule.target)


def asset_of(row: Any) -> Asset:
    return Asset(
        id=row.id,
        member_id=row.member_id,
        name=row.name,
        domain=row.domain,
        device_model_id=row.device_model_id,
        commune_insee=row.commune_insee,
    )


_ASSET_COLUMNS = (
    assets.c.id,
    assets.c.member_id,
    assets.c.name,
    assets.c.domain,
    assets.c.device_model_id,
    assets.c.commune_insee,
)


def load_assets(conn: Connection, *, asset_ids: Iterable[int]) -> dict[int, Asset]:
    """The assets of these ids, by id."""
    ids = sorted(set(asset_ids))
    if not ids:
        return {}
    rows = conn.execute(select(*_ASSET_COLUMNS).where(assets.c.id.in_(ids)))
    return {r.id: asset_of(r) for r in rows}


def watched_assets(conn: Connection, *, rule: Rule) -> list[Asset]:
    """The equipment in the field that ``rule`` watches."""
    column = {
        TargetKind.asset: assets.c.id,
        TargetKind.device_model: assets.c.device_model_id,
        TargetKind.commune: assets.c.commune_insee,
        TargetKind.domain: assets.c.domain,
    }[rule.target_kind]
    condition = and_(
        assets.c.member_id == rule.member_id,
        column == rule.target,
        assets.c.status.in_(WATCHED_STATUSES) if rule.kind is RuleKind.silence else true(),
    )
    rows = conn.execute(select(*_ASSET_COLUMNS).where(condition).order_by(assets.c.id))
    return [asset_of(r) for r in rows]
