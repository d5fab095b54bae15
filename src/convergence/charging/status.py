"""OCPP connector statuses mapped to one platform status and to the IRVE dynamic states.

No official OCPP → IRVE-dynamique table exists; this implements the proposal of the
EV-charging research note (§4.5), derived from the OCPP 1.6 operative/inoperative split
(ocpp-1.6 edition 2, §7.7) and the field descriptions of etalab/schema-irve v2.3.1.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from convergence.errors import InvalidInput


class Ocpp16Status(StrEnum):
    """OCPP 1.6 ``ChargePointStatus`` as sent in StatusNotification."""

    available = "Available"
    preparing = "Preparing"
    charging = "Charging"
    suspended_evse = "SuspendedEVSE"
    suspended_ev = "SuspendedEV"
    finishing = "Finishing"
    reserved = "Reserved"
    unavailable = "Unavailable"
    faulted = "Faulted"


class Ocpp201Status(StrEnum):
    """OCPP 2.0.1 ``ConnectorStatusEnumType`` as sent in StatusNotification."""

    available = "Available"
    occupied = "Occupied"
    reserved = "Reserved"
    unavailable = "Unavailable"
    faulted = "Faulted"


class PointStatus(StrEnum):
    """Status of a point of charge (IRVE PDC) whatever the OCPP version."""

    available = "available"
    occupied = "occupied"
    reserved = "reserved"
    unavailable = "unavailable"
    faulted = "faulted"
    unknown = "unknown"


class IrvePointState(StrEnum):
    """IRVE dynamique ``etat_pdc``."""

    en_service = "en_service"
    hors_service = "hors_service"
    inconnu = "inconnu"


class IrveOccupancy(StrEnum):
    """IRVE dynamique ``occupation_pdc``."""

    libre = "libre"
    occupe = "occupe"
    reserve = "reserve"
    inconnu = "inconnu"


class IrveSocketState(StrEnum):
    """IRVE dynamique ``etat_prise_type_*``."""

    fonctionnel = "fonctionnel"
    hors_service = "hors_service"
    inconnu = "inconnu"


class IrveStatus(BaseModel):
    """The three IRVE dynamic values that one platform status stands for."""

    model_config = ConfigDict(frozen=True)

    etat_pdc: IrvePointState
    occupation_pdc: IrveOccupancy
    etat_prise: IrveSocketState


# OCPP 1.6 split the 2.0.1 "Occupied" into five states; all of them mean a car is there.
OCPP16_TO_POINT: dict[Ocpp16Status, PointStatus] = {
    Ocpp16Status.available: PointStatus.available,
    Ocpp16Status.preparing: PointStatus.occupied,
    Ocpp16Status.charging: PointStatus.occupied,
    Ocpp16Status.suspended_evse: PointStatus.occupied,
    Ocpp16Status.suspended_ev: PointStatus.occupied,
    Ocpp16Status.finishing: PointStatus.occupied,
    Ocpp16Status.reserved: PointStatus.reserved,
    Ocpp16Status.unavailable: PointStatus.unavailable,
    Ocpp16Status.faulted: PointStatus.faulted,
}

OCPP201_TO_POINT: dict[Ocpp201Status, PointStatus] = {
    Ocpp201Status.available: PointStatus.available,
    Ocpp201Status.occupied: PointStatus.occupied,
    Ocpp201Status.reserved: PointStatus.reserved,
    Ocpp201Status.unavailable: PointStatus.unavailable,
    Ocpp201Status.faulted: PointStatus.faulted,
}


def _irve(state: IrvePointState, occupancy: IrveOccupancy, socket: IrveSocketState) -> IrveStatus:
    return IrveStatus(etat_pdc=state, occupation_pdc=occupancy, etat_prise=socket)


# Inoperative points get an "inconnu" occupancy rather than "libre": "libre" would tell
# drivers they can charge there (research note §4.5, a judgement call).
POINT_TO_IRVE: dict[PointStatus, IrveStatus] = {
    PointStatus.available: _irve(
        IrvePointState.en_service, IrveOccupancy.libre, IrveSocketState.fonctionnel
    ),
    PointStatus.occupied: _irve(
        IrvePointState.en_service, IrveOccupancy.occupe, IrveSocketState.fonctionnel
    ),
    PointStatus.reserved: _irve(
        IrvePointState.en_service, IrveOccupancy.reserve, IrveSocketState.fonctionnel
    ),
    PointStatus.unavailable: _irve(
        IrvePointState.hors_service, IrveOccupancy.inconnu, IrveSocketState.hors_service
    ),
    PointStatus.faulted: _irve(
        IrvePointState.hors_service, IrveOccupancy.inconnu, IrveSocketState.hors_service
    ),
    PointStatus.unknown: _irve(
        IrvePointState.inconnu, IrveOccupancy.inconnu, IrveSocketState.inconnu
    ),
}

# When several connectors form one PDC, the PDC is occupied if any connector is, and in
# service if at least one is operative; an unknown connector may be operative, so it ranks
# above the known-inoperative ones.
_COMBINE_RANK: tuple[PointStatus, ...] = (
    PointStatus.occupied,
    PointStatus.reserved,
    PointStatus.available,
    PointStatus.unknown,
    PointStatus.faulted,
    PointStatus.unavailable,
)


def status_from_ocpp16(status: str) -> PointStatus:
    """Map an OCPP 1.6 ChargePointStatus value to the platform status."""
    try:
        return OCPP16_TO_POINT[Ocpp16Status(status)]
    except ValueError:
        raise InvalidInput("unknown OCPP 1.6 ChargePointStatus", status=status) from None


def status_from_ocpp201(status: str) -> PointStatus:
    """Map an OCPP 2.0.1 ConnectorStatusEnumType value to the platform status."""
    try:
        return OCPP201_TO_POINT[Ocpp201Status(status)]
    except ValueError:
        raise InvalidInput("unknown OCPP 2.0.1 ConnectorStatus", status=status) from None


def irve_status(status: PointStatus) -> IrveStatus:
    """IRVE dynamic values (etat_pdc, occupation_pdc, etat_prise_type_*) of a status."""
    return POINT_TO_IRVE[status]


def is_operative(status: PointStatus) -> bool:
    """Whether the point can serve a vehicle (now or once freed)."""
    return irve_status(status).etat_pdc is IrvePointState.en_service


def combine_connectors(statuses: Iterable[PointStatus]) -> PointStatus:
    """Status of a PDC made of several connectors (sockets) from theirs."""
    present = set(statuses)
    for candidate in _COMBINE_RANK:
        if candidate in present:
            return candidate
    return PointStatus.unknown


def with_charge_point_status(point: PointStatus, charge_point: PointStatus | None) -> PointStatus:
    """Apply the whole charge point's status (OCPP connectorId 0) to one of its points."""
    if charge_point is None or charge_point is PointStatus.available:
        return point
    if charge_point is PointStatus.unavailable and point is PointStatus.faulted:
        return point
    if charge_point in (PointStatus.faulted, PointStatus.unavailable, PointStatus.unknown):
        return charge_point
    return point


def fresh_status(
    status: PointStatus,
    *,
    last_seen: datetime,
    now: datetime,
    heartbeat_interval_s: float,
    connected: bool = True,
) -> PointStatus:
    """The status, or ``unknown`` when the charge point is offline or silent too long."""
    for name, instant in (("last_seen", last_seen), ("now", now)):
        if instant.utcoffset() is None:
            raise InvalidInput(f"{name} must be timezone-aware", value=instant.isoformat())
    # Any PDU counts as liveness; two missed heartbeats means we no longer know.
    if not connected or now - last_seen > timedelta(seconds=2 * heartbeat_interval_s):
        return PointStatus.unknown
    return status
