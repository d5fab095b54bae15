"""The demo's alert rules, created through the alerts services (the rules of one kind of
equipment, such as the flood rules of the water-level sensors, come with its line's
``FleetContribution.setup``):

- each commune: the silence rule of each line whose equipment it has, told after two hours
  (the silent noise sensor of Colombes), and the default rules of every member (air
  information and alert thresholds);
- each commune with the equipment of a line whose rules not every member gets: that line's
  default rules (a charger in fault, offline, repeated failed sessions).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, select

from convergence.alerts import defaults as default_alerts
from convergence.alerts.schemas import (
    RuleCreate,
    SilenceParams,
)
from convergence.alerts.service import create_rule
from convergence.alerts.tables import alert_rules
from convergence.members.scope import MemberScope
from convergence.servicelines import service_lines
from convergence.simulation.fleet import FleetPlan

SILENCE_S = 2 * 3600


def _rule_names(conn: Connection, member_id: int) -> set[str]:
    query = select(alert_rules.c.name).where(alert_rules.c.member_id == member_id)
    return set(conn.execute(query).scalars().all())


def create_missing(conn: Connection, scope: MemberScope, rules: Sequence[RuleCreate]) -> int:
    """Create the rules whose member has none of that name yet; the number created."""
    created, names = 0, dict[int, set[str]]()
    for rule in rules:
        assert rule.member_id is not None
        known = names.setdefault(rule.member_id, _rule_names(conn, rule.member_id))
        if rule.name not in known:
            create_rule(conn, scope=scope, data=rule)
            known.add(rule.name)
            created += 1
    return created


def _silence_rule(domain: str, member_id: int) -> RuleCreate | None:
    """The line's default silence rule, told after two hours whatever the model's period."""
    hook = service_lines().get(domain).alert_rules
    rules = hook(member_id) if hook is not None else []
    silent = next((r for r in rules if isinstance(r.params, SilenceParams)), None)
    if silent is None:
        return None
    return RuleCreate(**(dict(silent) | {"params": SilenceParams(max_silence_s=SILENCE_S)}))


def silence_rules(plan: FleetPlan, member_ids: Mapping[str, int]) -> list[RuleCreate]:
    """A silence rule per commune and domain it has whose line watches its sensors' silence."""
    present = sorted({(a.commune_insee, a.spec.domain) for a in plan.assets})
    found = (_silence_rule(domain, member_ids[insee]) for insee, domain in present)
    return [rule for rule in found if rule is not None]


def line_rules(
    conn: Connection, *, scope: MemberScope, plan: FleetPlan, member_ids: Mapping[str, int]
) -> int:
    """The default rules of the lines a member uses that not every member gets (a charger in
    fault…), for each member with their equipment; the number created."""
    used = sorted({(member_ids[a.commune_insee], a.spec.domain) for a in plan.assets})
    return sum(
        len(default_alerts.install_line_rules(conn, scope=scope, member_id=member, line=domain))
        for member, domain in used
        if not service_lines().get(domain).alert_rules_for_every_member
    )


def ensure_alert_rules(
    conn: Connection,
    *,
    scope: MemberScope,
    plan: FleetPlan,
    member_ids: Mapping[str, int],
) -> int:
    """Every demo rule not created yet; the number created."""
    created = create_missing(conn, scope, silence_rules(plan, member_ids))
    # The rules every new member gets: the air information and alert thresholds.
    created += sum(
        len(default_alerts.install_default_rules(conn, scope=scope, member_id=m))
        for m in sorted(set(member_ids.values()))
    )
    return created + line_rules(conn, scope=scope, plan=plan, member_ids=member_ids)
