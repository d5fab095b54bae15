"""Rows of the IRVE dynamic file: one row per reported status of a point of charge."""

from __future__ import annotations

from collections.abc import Sequence

from convergence.charging.irve.csv_files import timestamp_cell
from convergence.charging.irve.models import PointLiveStatus, SocketType
from convergence.charging.status import irve_status

# The dynamic schema has no column for "autre" sockets.
SOCKET_STATE_COLUMNS: dict[SocketType, str] = {
    SocketType.type_2: "etat_prise_type_2",
    SocketType.combo_ccs: "etat_prise_type_combo_ccs",
    SocketType.chademo: "etat_prise_type_chademo",
    SocketType.ef: "etat_prise_type_ef",
}


def build_dynamic_rows(statuses: Sequence[PointLiveStatus]) -> list[dict[str, str]]:
    """One row per live status, in the order given (a new row on every change)."""
    return [_dynamic_row(live) for live in statuses]


def _dynamic_row(live: PointLiveStatus) -> dict[str, str]:
    irve = irve_status(live.status)
    row = {
        "id_pdc_itinerance": live.id_pdc_itinerance,
        "etat_pdc": str(irve.etat_pdc),
        "occupation_pdc": str(irve.occupation_pdc),
        "horodatage": timestamp_cell(live.observed_at),
    }
    for socket, column in SOCKET_STATE_COLUMNS.items():
        row[column] = _socket_state(live, socket)
    return row


def _socket_state(live: PointLiveStatus, socket: SocketType) -> str:
    # The schema wants the cell empty when the point has no socket of that type.
    if socket not in live.sockets:
        return ""
    status = live.socket_statuses.get(socket, live.status)
    return str(irve_status(status).etat_prise)
