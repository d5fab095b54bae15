"""A rule's condition and target in French words, as the rules page shows them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import Connection

from convergence import french_format as fr
from convergence.alerts.defaults import every_line_rules
from convergence.alerts.kinds import Comparison, IndicatorName, TargetKind
from convergence.alerts.schemas import (
    EventParams,
    IndicatorParams,
    RateParams,
    RuleOut,
    SilenceParams,
    ThresholdParams,
)
from convergence.alerts.wording import COMPARISON_FR, duration, quantity_label, with_unit
from convergence.decoders.quantities import catalogue
from convergence.errors import NotFound
from convergence.members.scope import MemberScope
from convergence.registry.queries import get_asset, get_device_model
from convergence.web.pages.labels import domain_labels
from convergence.web.pages.rendering import commune_name

COMPARISONS: Mapping[str, str] = {
    Comparison.above: "Au-dessus du seuil",
    Comparison.below: "En dessous du seuil",
}
# What the charging events' payloads mean (the central system's own words for them).
EVENT_KINDS: Mapping[str, str] = {
    "ocpp.status": "État de la borne",
    "ocpp.connection": "Connexion de la borne",
    "ocpp.session": "Session de charge",
    "video.stream": "Flux de la caméra",
    "video.retention": "Images de la caméra",
}
EVENT_MATCHES: Mapping[tuple[str, str], str] = {
    ("charge_point_faulted", "true"): "en défaut",
    ("state", "offline"): "hors ligne",
    ("repeated_failures", "true"): "échecs répétés",
    ("state", "down"): "interrompu",
    ("overdue", "true"): "conservées au-delà de la durée autorisée",
}
INDICATORS: Mapping[str, str] = {
    IndicatorName.water_vigilance: "Vigilance crue du site",
    IndicatorName.air_index: "Indice de qualité de l'air",
}
# The rules a member is given: every line's default rules (the regulatory air thresholds,
# the silences, the charging and the camera rules); the flood vigilance rules carry each
# gauge's heights, named « Crue : vigilance — … ».
FLOOD_PREFIX = "Crue : vigilance"


def default_names() -> frozenset[str]:
    """The names of every line's default rules."""
    return frozenset(rule.name for rule in every_line_rules(0))


def is_default(rule: RuleOut) -> bool:
    """True for the rules Convergence gives every member (which it may change)."""
    return rule.name in default_names() or rule.name.startswith(FLOOD_PREFIX)


def quantity_choices() -> list[tuple[str, str]]:
    """(id, « Ozone (O₃) — µg/m³ ») of every catalogued quantity, for a threshold rule."""
    return [
        (q.id, f"{q.label_fr} — {q.unit}" if _shown_unit(q.unit) else q.label_fr)
        for q in catalogue()
    ]


def _shown_unit(unit: str) -> bool:
    return unit not in ("", "count", "bool", "1")


def unit_of(quantity: str) -> str:
    """The unit of a catalogued quantity as written after a number, or nothing."""
    units = {q.id: q.unit for q in catalogue()}
    unit = units.get(quantity, "")
    return unit if _shown_unit(unit) else ""


def condition(rule: RuleOut) -> str:
    """« Ozone (O₃) au-dessus de 180 µg/m³ pendant au moins 2 h », and the like."""
    params = rule.params
    if isinstance(params, ThresholdParams):
        text = (
            f"{quantity_label(params.quantity)} {COMPARISON_FR[params.comparison]} "
            f"{with_unit(params.limit, params.quantity)}"
        )
        if params.min_duration_s:
            text += f" pendant au moins {duration(timedelta(seconds=params.min_duration_s))}"
        return text
    if isinstance(params, RateParams):
        return (
            f"{quantity_label(params.quantity)} : variation {COMPARISON_FR[params.comparison]} "
            f"{with_unit(params.rate_per_hour, params.quantity)} par heure "
            f"(sur {duration(timedelta(seconds=params.window_s))})"
        )
    if isinstance(params, SilenceParams):
        what = f" de « {quantity_label(params.quantity)} »" if params.quantity else ""
        silence = duration(timedelta(seconds=params.max_silence_s))
        return f"Aucune donnée{what} depuis plus de {silence}"
    if isinstance(params, EventParams):
        return _event(params)
    return _indicator(params)


def _event(params: EventParams) -> str:
    kind = EVENT_KINDS.get(params.event_kind, "Événement de l'équipement")
    matched = [EVENT_MATCHES.get((k, v), f"{k} = {v}") for k, v in params.match.items()]
    return f"{kind} : {', '.join(matched)}" if matched else kind


def _indicator(params: IndicatorParams) -> str:
    text = f"{INDICATORS[params.indicator]} au moins « {params.min_level} »"
    if params.thresholds is not None:
        t = params.thresholds
        levels = (("jaune", t.jaune), ("orange", t.orange), ("rouge", t.rouge))
        text += " (" + ", ".join(f"{name} {fr.compact(height)} m" for name, height in levels) + ")"
    return text


def target(conn: Connection, scope: MemberScope, rule: RuleOut) -> str:
    """What the rule watches, in words: a domain, a commune, one equipment, a model."""
    try:
        if rule.target_kind is TargetKind.asset and rule.asset_id is not None:
            return f"Équipement « {get_asset(conn, scope=scope, asset_id=rule.asset_id).name} »"
        if rule.target_kind is TargetKind.device_model and rule.device_model_id is not None:
            model = get_device_model(conn, device_model_id=rule.device_model_id)
            return f"Modèle {model.vendor} {model.model}"
    except NotFound:
        return "Équipement retiré"
    if rule.target_kind is TargetKind.commune and rule.commune_insee:
        return f"Commune de {commune_name(rule.commune_insee)}"
    domain = str(rule.domain) if rule.domain else ""
    return f"Tous les équipements : {domain_labels().get(domain, domain)}"
