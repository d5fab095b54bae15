"""OCPP 1.6 / 2.0.1 statuses → platform status → IRVE dynamic states (research note §4.5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from ocpp.v16.enums import ChargePointStatus
from ocpp.v201.enums import ConnectorStatusEnumType

from convergence.charging.status import (
    IrveOccupancy,
    IrvePointState,
    IrveSocketState,
    PointStatus,
    combine_connectors,
    fresh_status,
    irve_status,
    is_operative,
    status_from_ocpp16,
    status_from_ocpp201,
    with_charge_point_status,
)
from convergence.errors import InvalidInput

S, Occ, P = IrvePointState, IrveOccupancy, IrveSocketState

# The table of the research note, row by row.
OCPP16_TABLE = [
    ("Available", PointStatus.available, S.en_service, Occ.libre, P.fonctionnel),
    ("Preparing", PointStatus.occupied, S.en_service, Occ.occupe, P.fonctionnel),
    ("Charging", PointStatus.occupied, S.en_service, Occ.occupe, P.fonctionnel),
    ("SuspendedEV", PointStatus.occupied, S.en_service, Occ.occupe, P.fonctionnel),
    ("SuspendedEVSE", PointStatus.occupied, S.en_service, Occ.occupe, P.fonctionnel),
    ("Finishing", PointStatus.occupied, S.en_service, Occ.occupe, P.fonctionnel),
    ("Reserved", PointStatus.reserved, S.en_service, Occ.reserve, P.fonctionnel),
    ("Unavailable", PointStatus.unavailable, S.hors_service, Occ.inconnu, P.hors_service),
    ("Faulted", PointStatus.faulted, S.hors_service, Occ.inconnu, P.hors_service),
]
OCPP201_TABLE = [
    ("Available", PointStatus.available, S.en_service, Occ.libre, P.fonctionnel),
    ("Occupied", PointStatus.occupied, S.en_service, Occ.occupe, P.fonctionnel),
    ("Reserved", PointStatus.reserved, S.en_service, Occ.reserve, P.fonctionnel),
    ("Unavailable", PointStatus.unavailable, S.hors_service, Occ.inconnu, P.hors_service),
    ("Faulted", PointStatus.faulted, S.hors_service, Occ.inconnu, P.hors_service),
]


@pytest.mark.parametrize(("ocpp", "point", "etat", "occupation", "prise"), OCPP16_TABLE)
def test_ocpp16_mapping(ocpp: str, point: PointStatus, etat: S, occupation: Occ, prise: P) -> None:
    assert status_from_ocpp16(ocpp) is point
    irve = irve_status(point)
    assert (irve.etat_pdc, irve.occupation_pdc, irve.etat_prise) == (etat, occupation, prise)


@pytest.mark.parametrize(("ocpp", "point", "etat", "occupation", "prise"), OCPP201_TABLE)
def test_ocpp201_mapping(ocpp: str, point: PointStatus, etat: S, occupation: Occ, prise: P) -> None:
    assert status_from_ocpp201(ocpp) is point
    irve = irve_status(point)
    assert (irve.etat_pdc, irve.occupation_pdc, irve.etat_prise) == (etat, occupation, prise)


def test_every_status_of_the_ocpp_library_is_mapped() -> None:
    assert {row[0] for row in OCPP16_TABLE} == {str(s) for s in ChargePointStatus}
    assert {row[0] for row in OCPP201_TABLE} == {str(s) for s in ConnectorStatusEnumType}
    for status16 in ChargePointStatus:
        status_from_ocpp16(status16)
    for status201 in ConnectorStatusEnumType:
        status_from_ocpp201(status201)


def test_lost_connection_is_unknown_everywhere() -> None:
    irve = irve_status(PointStatus.unknown)
    assert irve.etat_pdc is S.inconnu
    assert irve.occupation_pdc is Occ.inconnu
    assert irve.etat_prise is P.inconnu
    assert not is_operative(PointStatus.unknown)
    assert is_operative(PointStatus.occupied)


@pytest.mark.parametrize("value", ["Occupied", "available", "", "Charging "])
def test_unknown_ocpp16_status_is_refused(value: str) -> None:
    with pytest.raises(InvalidInput):
        status_from_ocpp16(value)


@pytest.mark.parametrize("value", ["Charging", "Preparing", "occupied"])
def test_unknown_ocpp201_status_is_refused(value: str) -> None:
    with pytest.raises(InvalidInput):
        status_from_ocpp201(value)


def test_a_point_of_several_connectors_is_occupied_if_any_is() -> None:
    assert combine_connectors([PointStatus.available, PointStatus.occupied]) is PointStatus.occupied
    # One working socket keeps the point in service.
    assert combine_connectors([PointStatus.faulted, PointStatus.available]) is PointStatus.available
    assert combine_connectors([PointStatus.faulted, PointStatus.unknown]) is PointStatus.unknown
    assert combine_connectors([PointStatus.unavailable, PointStatus.faulted]) is PointStatus.faulted
    assert combine_connectors([]) is PointStatus.unknown


def test_connector_zero_applies_to_every_point() -> None:
    assert with_charge_point_status(PointStatus.available, None) is PointStatus.available
    assert (
        with_charge_point_status(PointStatus.occupied, PointStatus.available)
        is PointStatus.occupied
    )
    assert (
        with_charge_point_status(PointStatus.available, PointStatus.faulted) is PointStatus.faulted
    )
    assert (
        with_charge_point_status(PointStatus.occupied, PointStatus.unavailable)
        is PointStatus.unavailable
    )
    # The most severe wins: a faulted connector stays faulted under an unavailable station.
    assert (
        with_charge_point_status(PointStatus.faulted, PointStatus.unavailable)
        is PointStatus.faulted
    )


def test_a_silent_charge_point_becomes_unknown() -> None:
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    seen = now - timedelta(seconds=500)
    assert (
        fresh_status(PointStatus.occupied, last_seen=seen, now=now, heartbeat_interval_s=300)
        is PointStatus.occupied
    )
    assert (
        fresh_status(PointStatus.occupied, last_seen=seen, now=now, heartbeat_interval_s=200)
        is PointStatus.unknown
    )
    assert (
        fresh_status(
            PointStatus.available, last_seen=now, now=now, heartbeat_interval_s=300, connected=False
        )
        is PointStatus.unknown
    )


def test_freshness_needs_aware_datetimes() -> None:
    naive = datetime(2026, 11, 28, 12, 0)  # noqa: DTZ001 - the case under test
    with pytest.raises(InvalidInput):
        fresh_status(
            PointStatus.available,
            last_seen=naive,
            now=datetime.now(UTC),
            heartbeat_interval_s=300,
        )
