"""Meter values of the connectors, turned into the charge point's energy and power readings.

A series is one quantity of one asset, and a charge point is one asset with several
connectors, each with its own energy register. Summing the registers would jump whenever a
connector is first read, so the charge point's ``energy`` series (kWh) is the energy
delivered by all its connectors *since the platform first read each of them*: an index that
only grows, whose differences are the energy delivered. A register that goes backwards (a
meter replaced or reset) starts a new baseline; a sample older than the last one read is
late (a cached transaction) and leaves the index alone. The ``power`` series (W) is the sum
of the latest power of each connector, a connector counting 0 W once its transaction ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from convergence.charging.ocpp.observations import ChargePointRef, MeterSample
from convergence.charging.tables import charge_point_connectors
from convergence.db.types import utcnow
from convergence.decoders.quantities import get_quantity
from convergence.timeseries.store import NewReading

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "the central system writes for an authenticated charge point"

ENERGY = get_quantity("energy")  # kWh
POWER = get_quantity("power")  # W


@dataclass(slots=True)
class ConnectorMeter:
    """The metering state of one connector (1.6) or EVSE (2.0.1)."""

    connector_id: int
    register_wh: float | None = None
    register_at: datetime | None = None
    delivered_wh: float = 0.0
    power_w: float | None = None

    def apply(self, sample: MeterSample) -> None:
        """Take a sample in: the register moves the index forward, the power replaces."""
        late = self.register_at is not None and sample.ts <= self.register_at
        if sample.energy_wh is not None and not late:
            if self.register_wh is not None and sample.energy_wh >= self.register_wh:
                self.delivered_wh += sample.energy_wh - self.register_wh
            self.register_wh, self.register_at = sample.energy_wh, sample.ts
        if sample.power_w is not None and not late:
            self.power_w = sample.power_w


def ensure_connectors(conn: Connection, ref: ChargePointRef, connector_ids: Iterable[int]) -> None:
    """Create the connector rows that do not exist yet."""
    wanted = sorted({c for c in connector_ids if c > 0})
    if not wanted:
        return
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    rows = [
        {
            "asset_id": ref.asset_id,
            "member_id": ref.member_id,
            "connector_id": connector_id,
            "delivered_wh": 0.0,
            "updated_at": utcnow(),
        }
        for connector_id in wanted
    ]
    conn.execute(insert(charge_point_connectors).values(rows).on_conflict_do_nothing())


# Statements of every meter value, built once: building and keying a statement costs more
# than running it (SQLite), and thousands of charge points send meter values.
_c = charge_point_connectors.c
_LOAD = select(_c.connector_id, _c.register_wh, _c.register_at, _c.delivered_wh, _c.power_w).where(
    _c.asset_id == bindparam("aid")
)
_SAVE = update(charge_point_connectors).where(
    _c.asset_id == bindparam("aid"), _c.connector_id == bindparam("cid")
)


def load_meters(conn: Connection, ref: ChargePointRef) -> dict[int, ConnectorMeter]:
    """The metering state of every connector of the charge point."""
    rows = conn.execute(_LOAD, {"aid": ref.asset_id})
    return {
        r.connector_id: ConnectorMeter(
            r.connector_id, r.register_wh, r.register_at, r.delivered_wh or 0.0, r.power_w
        )
        for r in rows
    }


def save_meters(conn: Connection, ref: ChargePointRef, meters: Iterable[ConnectorMeter]) -> None:
    """Write the metering state back."""
    params: list[dict[str, Any]] = [
        {
            "aid": ref.asset_id,
            "cid": m.connector_id,
            "register_wh": m.register_wh,
            "register_at": m.register_at,
            "delivered_wh": m.delivered_wh,
            "power_w": m.power_w,
            "updated_at": utcnow(),
        }
        for m in meters
    ]
    if params:
        conn.execute(_SAVE, params)


def meter_readings(
    conn: Connection, ref: ChargePointRef, connector_id: int, samples: Sequence[MeterSample]
) -> list[NewReading]:
    """Apply a connector's samples, oldest first; the charge point's readings they give."""
    if connector_id <= 0:
        return []  # not a point of charge (e.g. a 2.0.1 event that names no EVSE)
    meters = load_meters(conn, ref)
    if connector_id not in meters:  # first heard of: its row is made once
        ensure_connectors(conn, ref, [connector_id])
        meters[connector_id] = ConnectorMeter(connector_id)
    meter = meters[connector_id]
    readings: list[NewReading] = []
    for sample in sorted(samples, key=lambda s: s.ts):
        meter.apply(sample)
        readings += _readings_at(ref, meters.values(), sample)
    save_meters(conn, ref, [meter])
    return readings


def power_stops(
    conn: Connection, ref: ChargePointRef, connector_id: int, ts: datetime
) -> list[NewReading]:
    """The connector's transaction ended: it draws nothing any more."""
    meters = load_meters(conn, ref)
    meter = meters.get(connector_id)
    if meter is None or not meter.power_w:
        return []
    meter.power_w = 0.0
    save_meters(conn, ref, [meter])
    return _readings_at(ref, meters.values(), MeterSample(ts=ts, power_w=0.0))


def _readings_at(
    ref: ChargePointRef, meters: Iterable[ConnectorMeter], sample: MeterSample
) -> list[NewReading]:
    meters = list(meters)
    readings = []
    if sample.energy_wh is not None:
        delivered_kwh = sum(m.delivered_wh for m in meters) / 1000
        readings.append(_reading(ref, ENERGY.id, ENERGY.unit, sample.ts, delivered_kwh))
    if sample.power_w is not None:
        power = sum(m.power_w or 0.0 for m in meters)
        readings.append(_reading(ref, POWER.id, POWER.unit, sample.ts, power))
    return readings


def _reading(
    ref: ChargePointRef, quantity: str, unit: str, ts: datetime, value: float
) -> NewReading:
    return NewReading(ref.asset_id, ref.member_id, quantity, unit, ts, round(value, 6))
