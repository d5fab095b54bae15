"""Rows of the IRVE static file: one row per point of charge, station data repeated."""

from __future__ import annotations

from collections.abc import Sequence

from convergence.charging.irve.csv_files import (
    date_cell,
    flag_cell,
    format_coordinates,
    number_cell,
    text_cell,
)
from convergence.charging.irve.models import Payment, PointOfCharge, SocketType, Station
from convergence.charging.irve.schemas import IrveKind, schema_columns

# Columns that describe one point; every other static column describes its station.
POINT_COLUMNS: frozenset[str] = frozenset(
    {
        "id_pdc_itinerance",
        "id_pdc_local",
        "puissance_nominale",
        "prise_type_ef",
        "prise_type_2",
        "prise_type_combo_ccs",
        "prise_type_chademo",
        "prise_type_autre",
        "cable_t2_attache",
    }
)


def build_static_rows(stations: Sequence[Station]) -> list[dict[str, str]]:
    """One row per point of charge, with the columns of the static schema."""
    columns = schema_columns(IrveKind.static)
    rows: list[dict[str, str]] = []
    for station in stations:
        shared = _station_cells(station)
        for point in station.points:
            cells = shared | _point_cells(point) | _payment_cells(point.payment or station.payment)
            rows.append({column: cells[column] for column in columns})
    return rows


def _station_cells(station: Station) -> dict[str, str]:
    return (
        _owner_cells(station)
        | _place_cells(station)
        | _access_cells(station)
        | {
            "nbre_pdc": str(len(station.points)),
            "raccordement": text_cell(station.grid_connection),
            "num_pdl": text_cell(station.delivery_point),
            "date_mise_en_service": date_cell(station.commissioned_on),
            "observations": text_cell(station.notes),
            "date_maj": date_cell(station.updated_on),
        }
    )


def _owner_cells(station: Station) -> dict[str, str]:
    developer, operator = station.developer, station.operator
    return {
        "nom_amenageur": text_cell(developer.name),
        "siren_amenageur": text_cell(developer.siren),
        "contact_amenageur": text_cell(developer.contact_email),
        "nom_operateur": text_cell(operator.name),
        "contact_operateur": text_cell(operator.contact_email),
        "telephone_operateur": text_cell(operator.phone),
        "nom_enseigne": text_cell(station.brand),
    }


def _place_cells(station: Station) -> dict[str, str]:
    return {
        "id_station_itinerance": text_cell(station.id_station_itinerance),
        "id_station_local": text_cell(station.id_station_local),
        "nom_station": text_cell(station.name),
        "implantation_station": text_cell(station.siting),
        "adresse_station": text_cell(station.address),
        "code_insee_commune": text_cell(station.insee_code),
        "coordonneesXY": _coordinates_cell(station),
    }


def _coordinates_cell(station: Station) -> str:
    if station.longitude is None or station.latitude is None:
        return ""
    return format_coordinates(station.longitude, station.latitude)


def _access_cells(station: Station) -> dict[str, str]:
    return {
        "condition_acces": text_cell(station.access_condition),
        "reservation": flag_cell(station.reservation),
        "horaires": text_cell(station.opening_hours),
        "accessibilite_pmr": text_cell(station.pmr_accessibility),
        "restriction_gabarit": text_cell(station.height_restriction),
        "station_deux_roues": flag_cell(station.two_wheelers),
    }


def _point_cells(point: PointOfCharge) -> dict[str, str]:
    sockets = point.sockets
    return {
        "id_pdc_itinerance": text_cell(point.id_pdc_itinerance),
        "id_pdc_local": text_cell(point.id_pdc_local),
        "puissance_nominale": number_cell(point.power_kw),
        "prise_type_ef": flag_cell(SocketType.ef in sockets),
        "prise_type_2": flag_cell(SocketType.type_2 in sockets),
        "prise_type_combo_ccs": flag_cell(SocketType.combo_ccs in sockets),
        "prise_type_chademo": flag_cell(SocketType.chademo in sockets),
        "prise_type_autre": flag_cell(SocketType.other in sockets),
        "cable_t2_attache": flag_cell(point.cable_t2_attached),
    }


def _payment_cells(payment: Payment) -> dict[str, str]:
    return {
        "gratuit": flag_cell(payment.free),
        "paiement_acte": flag_cell(payment.pay_per_use),
        "paiement_cb": flag_cell(payment.card),
        "paiement_autre": flag_cell(payment.other),
        "tarification": text_cell(payment.pricing),
    }
