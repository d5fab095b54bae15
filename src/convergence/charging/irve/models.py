"""What the platform knows of operators, stations and points of charge, for IRVE exports.

Fields the IRVE schema requires are optional here on purpose: the platform often knows a
station only partly, and the export then lists what is missing instead of failing on the
first gap. Closed sets are enums, so an unknown value is refused at the boundary.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from convergence.charging.status import PointStatus

NOT_IN_ROAMING = "Non concerné"
# AFIREV identifiers are often written with separators (FR*A68*E680210015); the IRVE
# schema wants them without.
_AFIREV_SEPARATORS = str.maketrans("", "", "*- ")


def normalise_afirev_id(value: str | None) -> str | None:
    """An AFIREV identifier without its ``*``/``-`` separators; ``Non concerné`` kept."""
    if value is None:
        return None
    if value.strip() == NOT_IN_ROAMING:
        return NOT_IN_ROAMING
    return value.translate(_AFIREV_SEPARATORS)


class Siting(StrEnum):
    """``implantation_station``."""

    on_street = "Voirie"
    public_car_park = "Parking public"
    private_car_park_public_use = "Parking privé à usage public"
    private_car_park_customers = "Parking privé réservé à la clientèle"
    fast_charging_station = "Station dédiée à la recharge rapide"


class AccessCondition(StrEnum):
    """``condition_acces``."""

    open = "Accès libre"
    restricted = "Accès réservé"


class PmrAccessibility(StrEnum):
    """``accessibilite_pmr`` (PMR: people with reduced mobility)."""

    reserved = "Réservé PMR"
    accessible = "Accessible mais non réservé PMR"
    not_accessible = "Non accessible"
    unknown = "Accessibilité inconnue"


class GridConnection(StrEnum):
    """``raccordement``: own delivery point (direct) or through a building (indirect)."""

    direct = "Direct"
    indirect = "Indirect"


class SocketType(StrEnum):
    """Socket types of the IRVE ``prise_type_*`` / ``etat_prise_type_*`` columns."""

    ef = "ef"
    type_2 = "type_2"
    combo_ccs = "combo_ccs"
    chademo = "chademo"
    other = "autre"


class Operator(BaseModel):
    """The charging operator (``*_operateur`` columns)."""

    name: str | None = Field(default=None, description="nom_operateur")
    contact_email: str | None = Field(default=None, description="contact_operateur")
    phone: str | None = Field(default=None, description="telephone_operateur")


class Developer(BaseModel):
    """The *aménageur*: owner of the station, usually the commune (``*_amenageur``)."""

    name: str | None = Field(default=None, description="nom_amenageur")
    siren: str | None = Field(default=None, description="siren_amenageur")
    contact_email: str | None = Field(default=None, description="contact_amenageur")


class Payment(BaseModel):
    """Payment and pricing of a station or of one of its points."""

    free: bool | None = Field(default=None, description="gratuit")
    pay_per_use: bool | None = Field(default=None, description="paiement_acte")
    card: bool | None = Field(default=None, description="paiement_cb")
    other: bool | None = Field(default=None, description="paiement_autre")
    pricing: str | None = Field(default=None, description="tarification")


class PointOfCharge(BaseModel):
    """One point of charge (IRVE PDC): one parking space, one vehicle at a time."""

    id_pdc_itinerance: str | None = None
    id_pdc_local: str | None = None
    power_kw: float | None = Field(default=None, description="puissance_nominale")
    sockets: frozenset[SocketType] = Field(default=frozenset(), description="prise_type_*")
    cable_t2_attached: bool | None = Field(default=None, description="cable_t2_attache")
    payment: Payment | None = Field(default=None, description="overrides the station's")

    @field_validator("id_pdc_itinerance")
    @classmethod
    def _normalise_id(cls, value: str | None) -> str | None:
        return normalise_afirev_id(value)


class Station(BaseModel):
    """A station: the points of charge at one place, with what they share."""

    id_station_itinerance: str | None = None
    id_station_local: str | None = None
    name: str | None = Field(default=None, description="nom_station")
    brand: str | None = Field(default=None, description="nom_enseigne")
    siting: Siting | None = Field(default=None, description="implantation_station")
    address: str | None = Field(default=None, description="adresse_station")
    insee_code: str | None = Field(default=None, description="code_insee_commune")
    longitude: float | None = Field(default=None, description="coordonneesXY, WGS84")
    latitude: float | None = Field(default=None, description="coordonneesXY, WGS84")
    access_condition: AccessCondition | None = Field(default=None, description="condition_acces")
    reservation: bool | None = Field(default=None, description="reservation")
    opening_hours: str | None = Field(default=None, description="horaires, e.g. 24/7")
    pmr_accessibility: PmrAccessibility | None = Field(
        default=None, description="accessibilite_pmr"
    )
    height_restriction: str | None = Field(default=None, description="restriction_gabarit")
    two_wheelers: bool | None = Field(default=None, description="station_deux_roues")
    grid_connection: GridConnection | None = Field(default=None, description="raccordement")
    delivery_point: str | None = Field(default=None, description="num_pdl (Enedis PDL)")
    commissioned_on: date | None = Field(default=None, description="date_mise_en_service")
    notes: str | None = Field(default=None, description="observations")
    updated_on: date | None = Field(default=None, description="date_maj")
    operator: Operator = Field(default_factory=Operator)
    developer: Developer = Field(default_factory=Developer)
    payment: Payment = Field(default_factory=Payment)
    points: list[PointOfCharge] = Field(default_factory=list)

    @field_validator("id_station_itinerance")
    @classmethod
    def _normalise_id(cls, value: str | None) -> str | None:
        return normalise_afirev_id(value)


class PointLiveStatus(BaseModel):
    """The live status of one point of charge, for the IRVE dynamic file."""

    model_config = ConfigDict(frozen=True)

    id_pdc_itinerance: str
    status: PointStatus
    observed_at: AwareDatetime = Field(description="horodatage: when the status was reported")
    sockets: frozenset[SocketType] = Field(description="the socket types the point has")
    socket_statuses: dict[SocketType, PointStatus] = Field(
        default_factory=dict, description="per-socket statuses, when OCPP reports them apart"
    )

    @field_validator("id_pdc_itinerance")
    @classmethod
    def _normalise_id(cls, value: str) -> str:
        return value.translate(_AFIREV_SEPARATORS)
