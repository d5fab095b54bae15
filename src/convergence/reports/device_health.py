"""Health of one device: when it was last heard, how often it should send, its battery and
radio signal where it reports them, and the quality flags of its latest values.

A device is heard through its readings or, for a charge point, through its OCPP link
(heartbeats). A device model whose expected period is 0 sends no data by design (a camera):
it is never counted as silent; without a model (or a period), its kind decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, or_, select

from convergence.charging.tables import charge_points
from convergence.members.scope import MemberScope, member_clause
from convergence.registry.kinds import AssetKind
from convergence.registry.schemas import AssetOut, DeviceModelOut
from convergence.timeseries.flags import Flag
from convergence.timeseries.tables import readings, series

# Quantities a device reports about itself rather than about the city.
BATTERY = ("battery", "battery_voltage")
SIGNAL = ("rssi", "snr")
RECENT_VALUES = 12
# Late after this many periods without a word (one lost uplink is usual on LoRaWAN).
LATE_AFTER_PERIODS = 3
# Kinds that send no reading by design when their model does not say otherwise.
NOT_SENDING_KINDS = frozenset({AssetKind.camera.value, AssetKind.gateway.value})


@dataclass(frozen=True, slots=True)
class SelfReport:
    """The last value of a quantity the device sends about itself (battery, signal)."""

    quantity: str
    value: float
    unit: str
    ts: datetime


@dataclass(frozen=True, slots=True)
class RecentValue:
    quantity: str
    unit: str
    ts: datetime
    value: float
    flag: Flag
    reason: str | None


@dataclass(frozen=True, slots=True)
class DeviceHealth:
    """What the equipment page says of the device's health."""

    sends_data: bool
    expected_period_s: int | None
    last_reading_at: datetime | None
    last_ocpp_at: datetime | None
    late: bool
    battery: list[SelfReport] = field(default_factory=list)
    signal: list[SelfReport] = field(default_factory=list)
    recent: list[RecentValue] = field(default_factory=list)

    @property
    def last_seen(self) -> datetime | None:
        return _latest(self.last_reading_at, self.last_ocpp_at)


def sends_data(kind: str, model: DeviceModelOut | None) -> bool:
    """True when the device is expected to send data: its model's period says so (0 is
    « nothing by design »), or, without one, its kind is not one that sends nothing."""
    if model is not None and model.expected_period_s is not None:
        return model.expected_period_s > 0
    return kind not in NOT_SENDING_KINDS


def sends_data_clause(
    kind: ColumnElement[str], period_s: ColumnElement[int]
) -> ColumnElement[bool]:
    """``sends_data`` in SQL, over the asset's kind and its model's period (outer-joined)."""
    return or_(period_s > 0, and_(period_s.is_(None), kind.not_in(sorted(NOT_SENDING_KINDS))))


def device_health(
    conn: Connection,
    *,
    scope: MemberScope,
    asset: AssetOut,
    model: DeviceModelOut | None,
    now: datetime,
) -> DeviceHealth:
    """The health of ``asset`` (already read through ``scope``) at ``now``."""
    found: list[Any] = list(
        conn.execute(
            select(
                series.c.id, series.c.quantity, series.c.unit, series.c.last_ts, series.c.last_value
            ).where(series.c.asset_id == asset.id, member_clause(scope, series.c.member_id))
        ).all()
    )
    last_reading = max((s.last_ts for s in found if s.last_ts is not None), default=None)
    ocpp = conn.execute(
        select(charge_points.c.last_seen_at).where(
            charge_points.c.asset_id == asset.id, member_clause(scope, charge_points.c.member_id)
        )
    ).first()
    period = model.expected_period_s if model is not None else None
    last_ocpp = ocpp.last_seen_at if ocpp is not None else None
    expected = sends_data(str(asset.kind), model)
    return DeviceHealth(
        sends_data=expected,
        expected_period_s=period,
        last_reading_at=last_reading,
        last_ocpp_at=last_ocpp,
        late=expected and is_late(_latest(last_reading, last_ocpp), period, now),
        battery=_self_reports(found, BATTERY),
        signal=_self_reports(found, SIGNAL),
        recent=_recent_values(conn, found),
    )


def is_late(last_seen: datetime | None, period_s: int | None, now: datetime) -> bool:
    """Never heard, or silent for more than ``LATE_AFTER_PERIODS`` expected periods."""
    if last_seen is None:
        return True
    if not period_s:
        return False
    return now - last_seen > timedelta(seconds=LATE_AFTER_PERIODS * period_s)


def _latest(*instants: datetime | None) -> datetime | None:
    heard = [t for t in instants if t is not None]
    return max(heard) if heard else None


def _self_reports(found: Sequence[Any], quantities: tuple[str, ...]) -> list[SelfReport]:
    return [
        SelfReport(s.quantity, s.last_value, s.unit, s.last_ts)
        for s in found
        if s.quantity in quantities and s.last_ts is not None and s.last_value is not None
    ]


def _recent_values(conn: Connection, found: Sequence[Any]) -> list[RecentValue]:
    """The latest values of every series of the device, newest first, with their flags."""
    if not found:
        return []
    by_id = {s.id: s for s in found}
    rows = conn.execute(
        select(
            readings.c.series_id,
            readings.c.ts,
            readings.c.value,
            readings.c.quality,
            readings.c.quality_reason,
        )
        .where(readings.c.series_id.in_(sorted(by_id)))
        .order_by(readings.c.ts.desc())
        .limit(RECENT_VALUES)
    )
    return [
        RecentValue(
            by_id[r.series_id].quantity,
            by_id[r.series_id].unit,
            r.ts,
            r.value,
            Flag(r.quality),
            r.quality_reason,
        )
        for r in rows
    ]
