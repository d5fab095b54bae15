"""The demo's alert rules and water-level sites, created through the alerts services.

- each water-level sensor: a vigilance rule on its jaune/orange/rouge heights (the flood of
  the Seine crosses them), also set as indicator site settings;
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
from convergence.alerts.kinds import IndicatorName, Severity, TargetKind
from convergence.alerts.schemas import (
    IndicatorParams,
    RuleCreate,
    SilenceParams,
    SiteThresholdsIn,
)
from convergence.alerts.service import create_rule
from convergence.alerts.tables import alert_rules
from convergence.demo.catalogue import SimKind
from convergence.indicators.schemas import WaterSite
from convergence.indicators.services.sites import set_site_settings
from convergence.members.scope import MemberScope
from convergence.servicelines import service_lines
from convergence.simulation.fleet import AssetPlan, FleetPlan

SILENCE_S = 2 * 3600


def water_heights(asset: AssetPlan) -> tuple[float, float, float]:
    """Jaune, orange and rouge heights (m) of a water-level site, above its usual level."""
    base = asset.params["base"]
    return round(base + 1.5, 2), round(base + 2.5, 2), round(base + 3.5, 2)


def _rule_names(conn: Connection, member_id: int) -> set[str]:
    query = select(alert_rules.c.name).where(alert_rules.c.member_id == member_id)
    return set(conn.execute(query).scalars().all())


def _create_missing(conn: Connection, scope: MemberScope, rules: Sequence[RuleCreate]) -> int:
    created, names = 0, dict[int, set[str]]()
    for rule in rules:
        assert rule.member_id is not None
        known = names.setdefault(rule.member_id, _rule_names(conn, rule.member_id))
        if rule.name not in known:
            create_rule(conn, scope=scope, data=rule)
            known.add(rule.name)
            created += 1
    return created


def flood_rule(asset: AssetPlan, *, member_id: int, asset_id: int) -> RuleCreate:
    """Flood vigilance at one water-level sensor: the level reached sets the severity and the
    text (« 6,34 m, au-dessus du seuil rouge (5,92 m) »); rouge is critical."""
    jaune, orange, rouge = water_heights(asset)
    return RuleCreate(
        name=f"Crue : vigilance — {asset.name}",
        member_id=member_id,
        target_kind=TargetKind.asset,
        asset_id=asset_id,
        severity=Severity.warning,
        params=IndicatorParams(
            indicator=IndicatorName.water_vigilance,
            min_level="jaune",
            thresholds=SiteThresholdsIn(jaune=jaune, orange=orange, rouge=rouge, hysteresis_m=0.1),
        ),
        cooldown_s=3600,
    )


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
    asset_ids: Mapping[str, int],
) -> int:
    """Every demo rule not created yet; the number created."""
    water = [a for a in plan.assets if a.sim_kind == SimKind.water_sensor]
    rules = [
        flood_rule(a, member_id=member_ids[a.commune_insee], asset_id=asset_ids[a.serial])
        for a in water
    ]
    created = _create_missing(conn, scope, rules + silence_rules(plan, member_ids))
    # The rules every new member gets: the air information and alert thresholds.
    created += sum(
        len(default_alerts.install_default_rules(conn, scope=scope, member_id=m))
        for m in sorted(set(member_ids.values()))
    )
    return created + line_rules(conn, scope=scope, plan=plan, member_ids=member_ids)


def ensure_water_sites(
    conn: Connection, *, scope: MemberScope, plan: FleetPlan, asset_ids: Mapping[str, int]
) -> int:
    """Jaune/orange/rouge heights of each water-level site (indicator settings)."""
    water = [a for a in plan.assets if a.sim_kind == SimKind.water_sensor]
    for asset in water:
        jaune, orange, rouge = water_heights(asset)
        site = WaterSite(jaune=jaune, orange=orange, rouge=rouge, hysteresis_m=0.1)
        set_site_settings(conn, scope=scope, asset_id=asset_ids[asset.serial], settings=site)
    return len(water)
