"""EV charging supervision: charge points, sessions, remote commands, indicators, IRVE files."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import Response

from convergence.alerts.defaults import install_line_rules
from convergence.alerts.schemas import RuleOut
from convergence.charging import queries, service
from convergence.charging.indicator_inputs import charging_indicators
from convergence.charging.indicators import ChargingIndicators
from convergence.charging.irve import exports as irve
from convergence.charging.irve.sources import live_statuses, registry_stations
from convergence.charging.kinds import CommandName
from convergence.charging.schemas import (
    ChargePointOut,
    CommandOut,
    CommandParams,
    PasswordSet,
    PasswordSetOut,
    SessionFilters,
    SessionOut,
    StationSetup,
    StatusEventOut,
)
from convergence.db.types import utcnow
from convergence.web.api.pagination import Page, PageDep, paginate, paginate_sequence
from convergence.web.deps import EngineDep, ReadScope, runtime_of

router = APIRouter(prefix="/charging", tags=["charging"])
SessionFiltersDep = Annotated[SessionFilters, Depends()]


@router.get("/charge-points", response_model=Page[ChargePointOut])
def list_charge_points(
    engine: EngineDep, scope: ReadScope, page: PageDep, commune: str | None = None
) -> Page[ChargePointOut]:
    """Charge points with their liveness and the status of each point of charge."""
    with engine.connect() as conn:
        found = queries.list_charge_points(conn, scope=scope, commune=commune)
    return paginate_sequence(found, page, key=lambda c: c.asset_id)


@router.get("/charge-points/{asset_id}", response_model=ChargePointOut)
def get_charge_point(asset_id: int, engine: EngineDep, scope: ReadScope) -> ChargePointOut:
    with engine.connect() as conn:
        return queries.get_charge_point(conn, scope=scope, asset_id=asset_id)


@router.put("/charge-points/{asset_id}/station", response_model=ChargePointOut)
def configure_station(
    asset_id: int, data: StationSetup, engine: EngineDep, scope: ReadScope
) -> ChargePointOut:
    """Set the IRVE station details and points of charge of a charge point."""
    with engine.begin() as conn:
        return service.configure_station(conn, scope=scope, asset_id=asset_id, setup=data)


@router.put("/charge-points/{asset_id}/password", response_model=PasswordSetOut)
def set_password(
    asset_id: int, data: PasswordSet, engine: EngineDep, scope: ReadScope
) -> PasswordSetOut:
    """Set the HTTP Basic password (OCPP AuthorizationKey); a generated one is shown once."""
    with engine.begin() as conn:
        return service.set_password(conn, scope=scope, asset_id=asset_id, password=data.password)


@router.get("/charge-points/{asset_id}/events", response_model=Page[StatusEventOut])
def charge_point_events(
    asset_id: int,
    engine: EngineDep,
    scope: ReadScope,
    page: PageDep,
    since: datetime | None = None,
) -> Page[StatusEventOut]:
    """Status history, connections, boots and session ends, newest first."""
    with engine.connect() as conn:
        statement = queries.select_status_events(conn, scope=scope, asset_id=asset_id, since=since)
        return paginate(conn, statement, page, to_item=queries.status_event_out, newest_first=True)


@router.get("/sessions", response_model=Page[SessionOut])
def list_sessions(
    engine: EngineDep, scope: ReadScope, filters: SessionFiltersDep, page: PageDep
) -> Page[SessionOut]:
    """Charging sessions, newest first (id tags appear only as SHA-256 digests)."""
    with engine.connect() as conn:
        statement = queries.select_sessions(scope=scope, filters=filters)
        return paginate(conn, statement, page, to_item=queries.session_out, newest_first=True)


@router.post("/{asset_id}/commands/{command}", response_model=CommandOut)
async def send_command(
    asset_id: int,
    command: CommandName,
    request: Request,
    scope: ReadScope,
    params: CommandParams | None = None,
) -> CommandOut:
    """Send a remote command and wait for the answer; it stays in the command log."""
    return await runtime_of(request.app).central_system.run_command(
        scope=scope, asset_id=asset_id, command=command, params=params or CommandParams()
    )


@router.get("/{asset_id}/commands", response_model=Page[CommandOut])
def list_commands(
    asset_id: int, engine: EngineDep, scope: ReadScope, page: PageDep
) -> Page[CommandOut]:
    """The command log of a charge point, newest first."""
    with engine.connect() as conn:
        statement = queries.select_commands(conn, scope=scope, asset_id=asset_id)
        return paginate(conn, statement, page, to_item=queries.command_out, newest_first=True)


@router.get("/commands/{command_id}", response_model=CommandOut)
def get_command(command_id: int, engine: EngineDep, scope: ReadScope) -> CommandOut:
    with engine.connect() as conn:
        return queries.get_command(conn, scope=scope, command_id=command_id)


@router.get("/indicators", response_model=ChargingIndicators)
def indicators(
    engine: EngineDep,
    scope: ReadScope,
    start: datetime | None = Query(default=None, description="default: 7 days before `end`"),
    end: datetime | None = Query(default=None, description="default: now"),
) -> ChargingIndicators:
    """Availability, occupancy, sessions, failed sessions and energy, per point and commune."""
    until = end or utcnow()
    with engine.connect() as conn:
        return charging_indicators(
            conn, scope=scope, start=start or until - timedelta(days=7), end=until
        )


@router.post("/alert-rules", response_model=list[RuleOut], status_code=status.HTTP_201_CREATED)
def install_alert_rules(
    engine: EngineDep, scope: ReadScope, member_id: int | None = None
) -> list[RuleOut]:
    """Create the charging alert rules (fault, offline, repeated failures) a member lacks."""
    with engine.begin() as conn:
        member = member_id or scope.member_id
        return install_line_rules(conn, scope=scope, member_id=member, line="charging")


@router.get("/irve/static.csv", response_class=Response)
def irve_static(engine: EngineDep, scope: ReadScope) -> Response:
    """The IRVE static file of the stations, served only if it validates (422 says why)."""
    with engine.connect() as conn:
        stations = registry_stations(conn, scope=scope)
    return _published(irve.export_static(stations))


@router.get("/irve/dynamic.csv", response_class=Response)
def irve_dynamic(engine: EngineDep, scope: ReadScope) -> Response:
    """The IRVE dynamic file of the points of charge, served only if it validates."""
    with engine.connect() as conn:
        statuses = live_statuses(conn, scope=scope, now=utcnow())
    return _published(irve.export_dynamic(statuses))


def _published(result: irve.IrveResult) -> Response:
    if isinstance(result, irve.IrveRefusal):
        raise result.to_error()
    return Response(content=result.content, media_type=result.media_type)
