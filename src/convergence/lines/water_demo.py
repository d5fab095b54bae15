"""The water line's demo setup (``FleetContribution.setup`` of ``WATER_SENSORS``): each
water-level sensor gets a flood vigilance rule on its jaune/orange/rouge heights (the flood of
the Seine crosses them), also set as its indicator site settings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection

from convergence.alerts.kinds import IndicatorName, Severity, TargetKind
from convergence.alerts.schemas import IndicatorParams, RuleCreate, SiteThresholdsIn
from convergence.demo.alerting import create_missing
from convergence.indicators.schemas import WaterSite
from convergence.indicators.services.sites import set_site_settings
from convergence.members.scope import MemberScope
from convergence.simulation.fleet import AssetPlan


def water_heights(asset: AssetPlan) -> tuple[float, float, float]:
    """Jaune, orange and rouge heights (m) of a water-level site, above its usual level."""
    base = asset.params["base"]
    return round(base + 1.5, 2), round(base + 2.5, 2), round(base + 3.5, 2)


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


def ensure_flood_watch(
    conn: Connection,
    *,
    scope: MemberScope,
    assets: Sequence[AssetPlan],
    member_ids: Mapping[str, int],
    asset_ids: Mapping[str, int],
) -> None:
    """The flood rule of each sensor not created yet, and the heights of each site."""
    rules = [
        flood_rule(a, member_id=member_ids[a.commune_insee], asset_id=asset_ids[a.serial])
        for a in assets
    ]
    create_missing(conn, scope, rules)
    for asset in assets:
        jaune, orange, rouge = water_heights(asset)
        site = WaterSite(jaune=jaune, orange=orange, rouge=rouge, hysteresis_m=0.1)
        set_site_settings(conn, scope=scope, asset_id=asset_ids[asset.serial], settings=site)
