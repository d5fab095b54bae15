"""IRVE static and dynamic exports, validated offline with frictionless."""

from __future__ import annotations

import csv
import io
import socket
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convergence.charging.irve.csv_files import format_coordinates
from convergence.charging.irve.exports import (
    IrveExport,
    IrveRefusal,
    export_dynamic,
    export_static,
    validate_dynamic_csv,
    validate_static_csv,
)
from convergence.charging.irve.models import (
    AccessCondition,
    Developer,
    GridConnection,
    Operator,
    Payment,
    PmrAccessibility,
    PointLiveStatus,
    PointOfCharge,
    Siting,
    SocketType,
    Station,
)
from convergence.charging.irve.problems import ProblemKind, SubjectKind
from convergence.charging.irve.schemas import IrveKind, load_schema, schema_columns
from convergence.charging.status import PointStatus

DATA = Path(__file__).parent / "data"
NETWORK_EVENTS = frozenset(
    {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request"}
)


class NetworkRecorder:
    """Records the interpreter's network audit events while switched on."""

    def __init__(self) -> None:
        self.events: list[str] | None = None

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if self.events is not None and event in NETWORK_EVENTS:
            self.events.append(f"{event} {args!r}")


_RECORDER = NetworkRecorder()
sys.addaudithook(_RECORDER)  # audit hooks cannot be removed: the recorder is switched instead


@pytest.fixture
def network_events() -> Iterator[list[str]]:
    _RECORDER.events = []
    try:
        yield _RECORDER.events
    finally:
        _RECORDER.events = None


def versailles_station(**changes: Any) -> Station:
    """A complete station of two points in front of Versailles town hall."""
    station = Station(
        id_station_itinerance="FR*Y78*P78646001",
        id_station_local="VER-MAIRIE",
        name="Versailles – Hôtel de ville",
        brand="Recharge Yvelines",
        siting=Siting.on_street,
        address="4 avenue de Paris 78000 Versailles",
        insee_code="78646",
        longitude=2.1301,
        latitude=48.8049,
        access_condition=AccessCondition.open,
        reservation=False,
        opening_hours="24/7",
        pmr_accessibility=PmrAccessibility.accessible,
        height_restriction="Aucune restriction",
        two_wheelers=False,
        grid_connection=GridConnection.direct,
        delivery_point="12345678912345",
        commissioned_on=date(2025, 3, 1),
        updated_on=date(2026, 11, 2),
        operator=Operator(
            name="Exploitant SA", contact_email="supervision@exploitant.fr", phone="0139000000"
        ),
        developer=Developer(
            name="Ville de Versailles", siren="217806462", contact_email="mobilite@versailles.fr"
        ),
        payment=Payment(free=False, pay_per_use=True, card=True, other=False, pricing="0,35 €/kWh"),
        points=[
            PointOfCharge(
                id_pdc_itinerance="FR*Y78*E78646001*1",
                power_kw=22,
                sockets={SocketType.type_2, SocketType.ef},
                cable_t2_attached=False,
            ),
            PointOfCharge(
                id_pdc_itinerance="FR*Y78*E78646001*2",
                power_kw=7.4,
                sockets={SocketType.type_2},
                cable_t2_attached=False,
            ),
        ],
    )
    return station.model_copy(update=changes)


def rows_of(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def refused(result: IrveExport | IrveRefusal) -> IrveRefusal:
    assert isinstance(result, IrveRefusal), "the export should have been refused"
    return result


def exported(result: IrveExport | IrveRefusal) -> IrveExport:
    assert isinstance(result, IrveExport), [p.message_en for p in getattr(result, "problems", ())]
    return result


# --- the official examples --------------------------------------------------------------


def test_official_static_example_validates() -> None:
    result = exported(validate_static_csv((DATA / "exemple-valide-statique.csv").read_bytes()))
    assert result.row_count == 2
    assert result.kind is IrveKind.static


def test_official_dynamic_example_validates() -> None:
    result = exported(validate_dynamic_csv((DATA / "exemple-valide-dynamique.csv").read_bytes()))
    assert result.row_count == 2


def test_packaged_schemas_are_the_official_ones() -> None:
    assert len(schema_columns(IrveKind.static)) == 40
    assert len(schema_columns(IrveKind.dynamic)) == 8
    required = [f for f in load_schema(IrveKind.static)["fields"] if f["constraints"]["required"]]
    assert len(required) == 23


# --- static rows from the platform's models ---------------------------------------------


def test_static_rows_from_models_validate() -> None:
    result = exported(export_static([versailles_station()]))
    assert result.row_count == 2
    assert result.media_type.startswith("text/csv")
    header = result.content.decode("utf-8").splitlines()[0]
    assert tuple(header.split(",")) == schema_columns(IrveKind.static)
    first, second = rows_of(result.content)
    assert first["id_station_itinerance"] == "FRY78P78646001"  # separators removed
    assert (first["id_pdc_itinerance"], second["id_pdc_itinerance"]) == (
        "FRY78E786460011",
        "FRY78E786460012",
    )
    assert first["coordonneesXY"] == "[2.130100,48.804900]"
    assert first["nbre_pdc"] == second["nbre_pdc"] == "2"
    assert (first["puissance_nominale"], second["puissance_nominale"]) == ("22", "7.4")
    assert (first["prise_type_ef"], second["prise_type_ef"]) == ("true", "false")
    assert first["implantation_station"] == "Voirie"
    assert first["date_maj"] == "2026-11-02"


def test_a_point_can_override_the_station_payment() -> None:
    station = versailles_station()
    station.points[1] = station.points[1].model_copy(
        update={"payment": Payment(free=True, pay_per_use=False)}
    )
    first, second = rows_of(exported(export_static([station])).content)
    assert (first["gratuit"], second["gratuit"]) == ("false", "true")


def test_coordinates_are_longitude_first_without_spaces() -> None:
    assert format_coordinates(2.1301, 48.8049) == "[2.130100,48.804900]"
    assert format_coordinates(-61.5, 16.25) == "[-61.500000,16.250000]"


def test_non_roaming_points_validate_with_local_ids() -> None:
    station = versailles_station(id_station_itinerance="Non concerné")
    exported(export_static([station]))


# --- refusals ---------------------------------------------------------------------------


def test_missing_mandatory_field_is_reported_not_exported() -> None:
    station = versailles_station(operator=Operator(name="Exploitant SA"))
    refusal = refused(export_static([station]))
    assert not hasattr(refusal, "content")
    [only] = refusal.problems  # reported once for the station, not once per point
    assert only.kind is ProblemKind.missing_field
    assert only.subject is SubjectKind.station
    assert only.field == "contact_operateur"
    assert only.message_fr == (
        "station FRY78P78646001 : champ obligatoire `contact_operateur` manquant"
    )
    assert only.message_en == (
        "station FRY78P78646001: mandatory field `contact_operateur` is missing"
    )


def test_every_gap_and_invalid_value_is_listed_per_station_and_point() -> None:
    station = versailles_station(siting=None, insee_code="7864", updated_on=None)
    station.points[1] = station.points[1].model_copy(update={"power_kw": -3.0})
    refusal = refused(export_static([station]))
    found = {(p.subject, p.subject_id, p.field, p.kind) for p in refusal.problems}
    assert found == {
        (SubjectKind.station, "FRY78P78646001", "implantation_station", ProblemKind.missing_field),
        (SubjectKind.station, "FRY78P78646001", "date_maj", ProblemKind.missing_field),
        (SubjectKind.station, "FRY78P78646001", "code_insee_commune", ProblemKind.invalid_value),
        (SubjectKind.point, "FRY78E786460012", "puissance_nominale", ProblemKind.invalid_value),
    }
    messages = {p.field: p.message_fr for p in refusal.problems}
    assert messages["puissance_nominale"] == (
        "point de recharge FRY78E786460012 : valeur « -3 » invalide pour `puissance_nominale` :"
        " la valeur minimale est 0"
    )
    assert "78646, 2A004" in messages["code_insee_commune"]


def test_invalid_identifier_and_email_are_explained() -> None:
    station = versailles_station(
        id_station_itinerance="fr-y78", operator=Operator(contact_email="pas une adresse")
    )
    refusal = refused(export_static([station]))
    by_field = {p.field: p for p in refusal.problems}
    assert "identifiant AFIREV" in by_field["id_station_itinerance"].message_fr
    assert by_field["contact_operateur"].value == "pas une adresse"
    assert "e-mail" in by_field["contact_operateur"].message_en


def test_station_without_points_is_refused() -> None:
    refusal = refused(export_static([versailles_station(points=[])]))
    assert [p.message_fr for p in refusal.problems] == [
        "station FRY78P78646001 : aucun point de recharge"
    ]


def test_duplicate_point_identifiers_are_refused() -> None:
    station = versailles_station()
    station.points[1] = station.points[1].model_copy(
        update={"id_pdc_itinerance": "FRY78E786460011"}
    )
    [duplicate] = refused(export_static([station])).problems
    assert duplicate.kind is ProblemKind.duplicate_id
    assert duplicate.subject_id == "FRY78E786460011"


def test_swapped_coordinates_are_refused() -> None:
    station = versailles_station(longitude=48.8049, latitude=2.1301)
    [swap] = refused(export_static([station])).problems
    assert swap.field == "coordonneesXY"
    assert "inversées" in swap.message_fr


def test_outside_roaming_a_local_identifier_is_required() -> None:
    station = versailles_station(id_station_itinerance="Non concerné", id_station_local=None)
    [gap] = refused(export_static([station])).problems
    assert gap.message_fr.startswith("station Versailles – Hôtel de ville : `id_station_local`")


def test_point_without_socket_is_refused() -> None:
    station = versailles_station()
    station.points[0] = station.points[0].model_copy(update={"sockets": frozenset()})
    [gap] = refused(export_static([station])).problems
    assert gap.subject is SubjectKind.point
    assert gap.kind is ProblemKind.inconsistent


def test_a_file_with_a_wrong_header_is_refused_as_a_whole() -> None:
    content = exported(export_static([versailles_station()])).content
    broken = content.replace(b"coordonneesXY", b"coordonnees", 1)
    [problem] = refused(validate_static_csv(broken)).problems
    assert problem.subject is SubjectKind.file
    assert "coordonnees" in problem.message_fr


def test_refusal_turns_into_the_platform_error() -> None:
    refusal = refused(export_static([versailles_station(operator=Operator())]))
    error = refusal.to_error()
    assert error.code == "invalid_input"
    assert "contact_operateur" in error.details["messages_fr"][0]


# --- dynamic rows -------------------------------------------------------------------------


def live(status: PointStatus, sockets: set[SocketType], **changes: Any) -> PointLiveStatus:
    values: dict[str, Any] = {
        "id_pdc_itinerance": "FR*Y78*E78646001*1",
        "status": status,
        "observed_at": datetime(2026, 11, 28, 9, 30, 5, 123456, tzinfo=UTC),
        "sockets": sockets,
    } | changes
    return PointLiveStatus(**values)


def test_dynamic_rows_follow_the_status_mapping() -> None:
    statuses = [
        live(PointStatus.occupied, {SocketType.type_2, SocketType.ef}),
        live(
            PointStatus.faulted,
            {SocketType.combo_ccs, SocketType.chademo},
            id_pdc_itinerance="FRY78E786460013",
            observed_at=datetime(2026, 11, 28, 10, 45, tzinfo=ZoneInfo("Europe/Paris")),
        ),
    ]
    result = exported(export_dynamic(statuses))
    first, second = rows_of(result.content)
    assert first == {
        "id_pdc_itinerance": "FRY78E786460011",
        "etat_pdc": "en_service",
        "occupation_pdc": "occupe",
        "horodatage": "2026-11-28T09:30:05+00:00",
        "etat_prise_type_2": "fonctionnel",
        "etat_prise_type_combo_ccs": "",
        "etat_prise_type_chademo": "",
        "etat_prise_type_ef": "fonctionnel",
    }
    assert (second["etat_pdc"], second["occupation_pdc"]) == ("hors_service", "inconnu")
    assert second["horodatage"] == "2026-11-28T09:45:00+00:00"  # Paris time stored as UTC
    assert second["etat_prise_type_combo_ccs"] == "hors_service"
    assert second["etat_prise_type_chademo"] == "hors_service"
    assert second["etat_prise_type_2"] == ""


def test_per_socket_statuses_are_kept_apart() -> None:
    status = live(
        PointStatus.available,
        {SocketType.type_2, SocketType.ef},
        socket_statuses={SocketType.ef: PointStatus.faulted},
    )
    [row] = rows_of(exported(export_dynamic([status])).content)
    assert (row["etat_prise_type_2"], row["etat_prise_type_ef"]) == ("fonctionnel", "hors_service")


def test_dynamic_refuses_points_without_a_roaming_identifier() -> None:
    status = live(PointStatus.available, {SocketType.type_2}, id_pdc_itinerance="Non concerné")
    [problem] = refused(export_dynamic([status])).problems
    assert problem.field == "id_pdc_itinerance"
    assert problem.subject is SubjectKind.point


def test_dynamic_refuses_two_states_at_the_same_instant() -> None:
    statuses = [
        live(PointStatus.available, {SocketType.type_2}),
        live(PointStatus.occupied, {SocketType.type_2}),
    ]
    [problem] = refused(export_dynamic(statuses)).problems
    assert problem.kind is ProblemKind.duplicate_id


def test_naive_timestamps_are_refused_at_the_boundary() -> None:
    naive = datetime(2026, 11, 28, 9, 30)  # noqa: DTZ001 - the case under test
    with pytest.raises(ValueError, match="timezone"):
        live(PointStatus.available, {SocketType.type_2}, observed_at=naive)


# --- offline and robust -------------------------------------------------------------------


def test_the_network_recorder_sees_socket_use(network_events: list[str]) -> None:
    socket.getaddrinfo("127.0.0.1", 9)
    assert network_events
    assert network_events[0].startswith("socket.getaddrinfo")


def test_validation_never_touches_the_network(network_events: list[str]) -> None:
    exported(export_static([versailles_station()]))
    refused(export_static([versailles_station(operator=Operator())]))
    exported(validate_dynamic_csv((DATA / "exemple-valide-dynamique.csv").read_bytes()))
    assert network_events == []


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_give_a_result_never_a_crash(content: bytes) -> None:
    for check in (validate_static_csv, validate_dynamic_csv):
        result = check(content)
        assert isinstance(result, IrveExport | IrveRefusal)


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_after_a_valid_header_gives_a_result(body: str) -> None:
    header = ",".join(schema_columns(IrveKind.dynamic))
    result = validate_dynamic_csv(f"{header}\r\n{body}".encode())
    assert isinstance(result, IrveExport | IrveRefusal)
