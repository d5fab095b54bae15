"""What the demo territory is made of: members, people, device models, fixed by design.

Communes, SIRENs and the EPCI come from the territory reference (COG); the vendors and
models are fictional — the demo must not advertise real products. The "main road" of a
commune is a bearing through its centre, a rough stand-in for its busiest axis (RD 10 in
Versailles runs east-west, the RD 920 in Antony north-south…), good enough for stations
"near main roads" on a map.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from convergence.members.roles import Role
from convergence.servicelines import DemoDeviceModel, DemoEquipment, service_lines
from convergence.simulation.fleet import fleet_kinds

DEMO_SEED = 2026
FLEET_SCALE = 0.65  # thinned out (see composition): ~520 simulated assets, plus the cameras
DEMO_PASSWORD = "convergence-demo"  # printed at start; the demo runs in development only
DEMO_ACTOR = "demo"

OPERATOR_SIREN = "257800013"
OPERATOR_NAME = "Syndicat numérique Yvelines Hauts-de-Seine (démo)"
EPCI_SIREN = "247800584"  # CA Versailles Grand Parc
DEPARTEMENTS = ("78", "92")

OPERATOR_KEY = "operator"
EPCI_KEY = "epci"


def departement_key(code: str) -> str:
    """The member key of a département: ``dep-78``."""
    return f"dep-{code}"


@dataclass(frozen=True, slots=True)
class DemoCommune:
    insee: str
    slug: str  # e-mail domain part
    road_bearing_deg: float  # direction of the main road through the centre (0 = north)
    price_factor: float  # what the commune paid compared with the catalogue price


COMMUNES: tuple[DemoCommune, ...] = (
    DemoCommune("78646", "versailles", 80, 1.0),
    DemoCommune("78158", "le-chesnay-rocquencourt", 20, 1.05),
    DemoCommune("78551", "saint-germain-en-laye", 100, 0.95),
    DemoCommune("78361", "mantes-la-jolie", 115, 1.0),
    DemoCommune("78517", "rambouillet", 35, 1.1),
    DemoCommune("92012", "boulogne-billancourt", 60, 1.3),
    DemoCommune("92050", "nanterre", 110, 0.9),
    DemoCommune("92040", "issy-les-moulineaux", 45, 1.0),
    DemoCommune("92025", "colombes", 130, 0.95),
    DemoCommune("92002", "antony", 5, 1.0),
)
COMMUNE_CODES = tuple(c.insee for c in COMMUNES)
SILENT_COMMUNE = "92025"  # Colombes: one of its noise sensors stops sending
MQTT_COMMUNES = frozenset({"92050", "92025"})  # their live data goes over MQTT when possible


def commune(insee: str) -> DemoCommune:
    """The demo commune with this INSEE code."""
    return next(c for c in COMMUNES if c.insee == insee)


@dataclass(frozen=True, slots=True)
class DemoUser:
    email: str
    role: Role
    member_key: str  # OPERATOR_KEY, EPCI_KEY, dep-XX or an INSEE code
    full_name: str


def _commune_users() -> list[DemoUser]:
    users = [
        DemoUser(f"elu@{c.slug}.demo.fr", Role.elected, c.insee, "Élu(e) délégué(e)")
        for c in COMMUNES
    ]
    versailles = commune("78646")
    users += [
        DemoUser(f"admin@{versailles.slug}.demo.fr", Role.member_admin, "78646", "DSI"),
        DemoUser(f"technicien@{versailles.slug}.demo.fr", Role.technician, "78646", "Technicien"),
        DemoUser(f"lecteur@{versailles.slug}.demo.fr", Role.viewer, "78646", "Lecteur"),
        DemoUser("technicien@boulogne-billancourt.demo.fr", Role.technician, "92012", "Technicien"),
    ]
    return users


# The agent of the demo's maintenance company (tied to it by the maintenance line's demo).
CONTRACTOR_AGENT = "prestataire@bornes-services.demo.fr"
USERS: tuple[DemoUser, ...] = (
    DemoUser("admin@syndicat.demo.fr", Role.operator_admin, OPERATOR_KEY, "Administrateur"),
    DemoUser(CONTRACTOR_AGENT, Role.contractor, OPERATOR_KEY, "Technicien du prestataire"),
    *_commune_users(),
    DemoUser("elu@versaillesgrandparc.demo.fr", Role.elected, EPCI_KEY, "Vice-président"),
    DemoUser("elu@yvelines.demo.fr", Role.elected, departement_key("78"), "Conseiller"),
    DemoUser("elu@hauts-de-seine.demo.fr", Role.elected, departement_key("92"), "Conseiller"),
)


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A device model of the demo catalogue: decoded fields → canonical quantities."""

    vendor: str
    model: str
    domain: str
    kind: str
    fields: Mapping[str, str] = field(default_factory=dict)
    unit_price_eur: int = 0
    # The live feed sends every 10 minutes; a camera sends no readings by design (0).
    expected_period_s: int = 600


def demo_equipment() -> list[tuple[str, DemoEquipment]]:
    """What the lines add to every demo commune beside the simulated fleet (the cameras),
    each with its line's name."""
    return [(line.name, item) for line in service_lines() for item in line.demo_equipment]


def catalogue_models() -> dict[str, ModelSpec]:
    """The model of each simulated kind (``ServiceLine.fleet``, by kind), then those of the
    lines' other demo equipment (``ServiceLine.demo_equipment``, by kind: the camera's)."""
    fleet = {
        kind: _model_spec(spec.contribution.model, spec.domain, spec.kind)
        for kind, spec in fleet_kinds().items()
    }
    return fleet | {
        item.kind: _model_spec(item.model, line, item.asset_kind) for line, item in demo_equipment()
    }


def _model_spec(model: DemoDeviceModel, domain: str, kind: str) -> ModelSpec:
    return ModelSpec(
        model.vendor,
        model.model,
        domain,
        kind,
        model.fields,
        model.unit_price_eur,
        model.expected_period_s,
    )
