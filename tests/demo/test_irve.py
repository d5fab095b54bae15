"""The demo's charge points are IRVE stations whose open-data files validate."""

from __future__ import annotations

from convergence.charging.irve.exports import IrveExport, export_dynamic, export_static
from convergence.charging.irve.sources import live_statuses, registry_stations
from convergence.demo.build import Demo
from convergence.members.scope import command_line_scope


def test_the_static_and_dynamic_irve_files_of_the_demo_stations_validate(built: Demo) -> None:
    chargers = [a for a in built.fleet.plan.assets if a.sim_kind == "charge_point"]
    scope = command_line_scope("test")
    with built.engine.connect() as conn:
        stations = registry_stations(conn, scope=scope)
        statuses = live_statuses(conn, scope=scope, now=built.history_end)

    static, dynamic = export_static(stations), export_dynamic(statuses)

    assert isinstance(static, IrveExport), static
    assert isinstance(dynamic, IrveExport), dynamic
    assert len(stations) == len(chargers)
    assert static.row_count == dynamic.row_count == 2 * len(chargers)
