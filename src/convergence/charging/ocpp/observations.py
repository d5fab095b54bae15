"""What a charge point reported, in the same words whatever its OCPP version.

The version subpackages (``v16``, ``v201``) turn their messages into these; storage
(``recording``, ``transactions``) only knows these. Id tags arrive here already hashed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from convergence.charging.kinds import Protocol
from convergence.charging.status import PointStatus


@dataclass(frozen=True, slots=True)
class ChargePointRef:
    """A registered charge point: its asset, its member, its OCPP identity."""

    asset_id: int
    member_id: int
    ocpp_id: str


@dataclass(frozen=True, slots=True)
class BootInfo:
    """What a BootNotification says of the charge point."""

    protocol: Protocol
    vendor: str
    model: str
    serial_number: str | None = None
    firmware_version: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class StatusReport:
    """A StatusNotification: connector 0 is the whole charge point (1.6)."""

    connector_id: int
    status: str
    point_status: PointStatus
    ts: datetime
    error_code: str | None = None
    detail: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MeterSample:
    """One sampled instant: the energy register (Wh) and the active power (W), if given."""

    ts: datetime
    energy_wh: float | None = None
    power_w: float | None = None


@dataclass(frozen=True, slots=True)
class TransactionStart:
    """A transaction begins (1.6 StartTransaction, 2.0.1 TransactionEvent Started)."""

    connector_id: int
    ts: datetime
    id_tag_hash: str | None
    id_tag_accepted: bool
    meter_start_wh: float | None
    transaction_ref: str | None = None  # 2.0.1: the station's transactionId
    samples: tuple[MeterSample, ...] = ()


@dataclass(frozen=True, slots=True)
class TransactionEnd:
    """A transaction ends (1.6 StopTransaction, 2.0.1 TransactionEvent Ended)."""

    transaction_ref: str
    ts: datetime
    meter_stop_wh: float | None
    reason: str
    samples: tuple[MeterSample, ...] = ()
    connector_id: int | None = None
