"""Contractors, contracts and charge-point faults for the maintenance tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from convergence.alerts.defaults import install_line_rules
from convergence.alerts.evaluation import evaluate_batch
from convergence.maintenance import service
from convergence.maintenance.queries import list_contractors
from convergence.maintenance.react import run_sync
from convergence.maintenance.schemas import ContractCreate, ContractorCreate
from convergence.members.scope import command_line_scope
from convergence.registry import service as registry_service
from convergence.registry.schemas import AssetCreate
from convergence.timeseries.store import NewEvent, insert_events
from tests.support import BOULOGNE_TOWN_HALL, VERSAILLES_TOWN_HALL, MemberFixture

WINDOW = timedelta(hours=24)
T0 = datetime(2026, 5, 1, tzinfo=UTC)


def charge_point(engine: Engine, member: MemberFixture, ocpp_id: str) -> int:
    """An active charge point of ``member`` with the default charging alert rules."""
    lon, lat = VERSAILLES_TOWN_HALL if member.key == "versailles" else BOULOGNE_TOWN_HALL
    with engine.begin() as conn:
        asset = registry_service.create_asset(
            conn,
            scope=command_line_scope(),
            data=AssetCreate(
                member_id=member.id, name=f"Borne {ocpp_id}", kind="charge_point",
                domain="charging", status="active", ocpp_id=ocpp_id, lon=lon, lat=lat,
            ),
        )  # fmt: skip
        install_line_rules(conn, scope=command_line_scope(), member_id=member.id, line="charging")
    return asset.id


def contract(
    engine: Engine,
    member: MemberFixture,
    asset_ids: list[int],
    *,
    contractor: str = "Bornes Services",
    email: str = "astreinte@bornes-services.example",
    **terms: Any,
) -> int:
    """A business-hours contract (4 h intervention, 8 h restoration, 50 €/h late)."""
    scope = command_line_scope()
    values: dict[str, Any] = {
        "member_id": member.id, "reference": f"MAINT-{contractor[:10]}",
        "title": "Maintenance IRVE",
        "intervention_delay_min": 240, "restoration_delay_min": 480, "penalty_per_hour_eur": 50,
        "starts_on": date(2026, 1, 1), "asset_ids": asset_ids,
    } | terms  # fmt: skip
    with engine.begin() as conn:
        found = [c for c in list_contractors(conn) if c.name == contractor]
        company = found[0] if found else service.create_contractor(
            conn, scope=scope, data=ContractorCreate(name=contractor, email=email), now=T0
        )  # fmt: skip
        created = service.create_contract(
            conn, scope=scope, data=ContractCreate(contractor_id=company.id, **values), now=T0
        )
    return created.id


def status(
    engine: Engine,
    member: MemberFixture,
    asset_id: int,
    ts: datetime,
    ocpp_status: str,
    *,
    error_code: str = "NoError",
    vendor_error_code: str | None = None,
    sync: bool = True,
) -> None:
    """A StatusNotification as the central system stores it, its alert evaluation, a sync."""
    payload: dict[str, Any] = {
        "connector_id": 1,
        "status": ocpp_status,
        "error_code": error_code,
        "charge_point_faulted": "true" if ocpp_status == "Faulted" else "false",
        "charge_point_unavailable": "true" if ocpp_status == "Unavailable" else "false",
    }
    if vendor_error_code:
        payload["vendor_error_code"] = vendor_error_code
    event = NewEvent(asset_id, member.id, ts, "ocpp.status", payload)
    with engine.begin() as conn:
        insert_events(conn, [event])
        evaluate_batch(conn, stored=[], events=[event], now=ts)
    if sync:
        run_sync(engine, reopen_window=WINDOW, now=ts)
