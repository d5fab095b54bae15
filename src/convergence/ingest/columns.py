"""The native readings of a batch as columns: checked, normalised and validated in bulk.

A body of hundreds of ``{device, ts, quantity, value, unit}`` readings is the hot path of
ingestion. An item of that usual shape is checked here by plain column checks, without a model
object per reading; timestamps, quantities and units are parsed once per distinct value of
the batch. An item that does not pass these checks takes the general way (the pydantic models
of ``messages.py``), which either takes it or says precisely why not: the fast checks accept
nothing the models would refuse, and give the same values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from convergence.decoders.normalise import DEFAULT_SKEW, refusal_reason
from convergence.decoders.quantities import Quantity, find_quantity
from convergence.decoders.units import UnitConversionRefused, convert
from convergence.ingest.envelope import Envelope, Refusal, Stage
from convergence.ingest.tables import DEVICE_REF_LENGTH

READING_KEYS = frozenset({"device", "ts", "quantity", "value", "unit"})
REQUIRED_KEYS = frozenset({"device", "ts", "quantity", "value"})
_NO_DEVICE = REQUIRED_KEYS - {"device"}
QUANTITY_MAX = 64
UNIT_MAX = 20
# The ISO 8601 forms every sender uses; anything else goes to the model, which knows more.
ISO_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})", re.ASCII
)
# Devices without a clock send 1970 or 2000-01-01: such values are refused, not stored.
EARLIEST = datetime(2000, 1, 2, tzinfo=UTC)


@dataclass(slots=True)
class ReadingColumns:
    """The readings of one envelope that passed the fast checks, one list per field."""

    slot: int
    envelope: Envelope
    batch: bool  # a batch keeps each refused item as its own dead letter
    positions: list[int] = field(default_factory=list)  # where each sits among the items
    labels: list[str | None] = field(default_factory=list)
    items: list[Any] = field(default_factory=list)  # as received, for a dead letter
    devices: list[str] = field(default_factory=list)
    times: list[datetime] = field(default_factory=list)
    quantities: list[str] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    units: list[str | None] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.values)

    def kept(self, row: int) -> Any:
        """The item a dead letter of ``row`` keeps (None: the whole body, a lone item)."""
        if not self.batch:
            return None
        item = self.items[row]
        ref = self.envelope.device_ref
        return item if ref is None else {**item, "device": ref}


class ColumnReader:
    """Fills ``ReadingColumns`` from items; remembers each timestamp text it parsed."""

    def __init__(self, columns: ReadingColumns, device_override: str | None) -> None:
        self.columns = columns
        self.override = device_override
        # A topic that names the device names it for every item (``messages.py`` does the same).
        self.required = REQUIRED_KEYS if device_override is None else _NO_DEVICE
        self._times: dict[str, datetime | None] = {}

    def take(self, position: int, label: str | None, item: Any) -> bool:
        """Add ``item`` if it has the usual shape and valid fields; False lets the model judge."""
        if type(item) is not dict:
            return False
        keys = item.keys()
        if not (keys <= READING_KEYS and keys >= (self.required)):
            return False
        device = _device(self.override if self.override is not None else item.get("device"))
        ts = self._time(item["ts"])
        quantity, value, unit = item["quantity"], item["value"], item.get("unit")
        if device is None or ts is None or type(quantity) is not str:
            return False
        if not 0 < len(quantity) <= QUANTITY_MAX or (
            unit is not None and (type(unit) is not str or len(unit) > UNIT_MAX)
        ):
            return False
        if type(value) is int:
            value = float(value)  # exact for the ints JSON senders use; huge ones are floats
        elif type(value) is not float or not math.isfinite(value):
            return False
        c = self.columns
        c.positions.append(position)
        c.labels.append(label)
        c.items.append(item)
        c.devices.append(device)
        c.times.append(ts)
        c.quantities.append(quantity)
        c.values.append(value)
        c.units.append(unit)
        return True

    def take_all(self, first: int, labels: list[str | None], items: list[Any]) -> list[int]:
        """``take`` each item (``first`` is the position of the first); the indexes of those
        the model must judge. A run of items of one usual shape is checked column by column."""
        if self._take_uniform(first, labels, items):
            return []
        return [i for i, item in enumerate(items) if not self.take(first + i, labels[i], item)]

    def _take_uniform(self, first: int, labels: list[str | None], items: list[Any]) -> bool:
        """Take every item at once if all have the same keys and pass ``take``'s checks; else
        take none (``take`` then judges them one by one, and says which the model gets)."""
        if not items or not all(type(item) is dict for item in items):
            return False
        keys = items[0].keys()
        if not (keys <= READING_KEYS and keys >= self.required):
            return False
        if not all(item.keys() == keys for item in items):
            return False
        if self.override is None:
            devices = [item["device"] for item in items]
        else:
            devices = [self.override] * len(items)
        texts = [item["ts"] for item in items]
        quantities = [item["quantity"] for item in items]
        values = [item["value"] for item in items]
        units = [item["unit"] for item in items] if "unit" in keys else [None] * len(items)
        if not (
            all(type(d) is str for d in devices)
            and all(type(t) is str for t in texts)
            and all(type(q) is str for q in quantities)
            and all(type(v) is float for v in values)
            and all(u is None or type(u) is str for u in units)
        ):
            return False  # ints, or odd types: one by one
        if not (
            all(_device(d) is not None for d in set(devices))
            and all(0 < len(q) <= QUANTITY_MAX for q in set(quantities))
            and all(u is None or len(u) <= UNIT_MAX for u in set(units))
            and all(map(math.isfinite, values))
        ):
            return False
        times = [self._time(t) for t in texts]
        if any(ts is None for ts in times):
            return False
        c = self.columns
        c.positions += range(first, first + len(items))
        c.labels += labels
        c.items += items
        c.devices += devices
        c.times += times  # type: ignore[arg-type]  # none is None (checked above)
        c.quantities += quantities
        c.values += values
        c.units += units
        return True

    def _time(self, text: Any) -> datetime | None:
        if type(text) is not str:
            return None
        if text in self._times:
            return self._times[text]
        parsed = _aware(text)
        self._times[text] = parsed
        return parsed


def _device(ref: Any) -> str | None:
    if type(ref) is int:
        ref = str(ref)
    if type(ref) is not str or not 0 < len(ref) <= DEVICE_REF_LENGTH:
        return None
    return ref


def _aware(text: str) -> datetime | None:
    if not ISO_TIME.fullmatch(text):
        return None
    try:
        ts = datetime.fromisoformat(text)
    except ValueError:
        return None
    return ts if ts.tzinfo is not None else None


@dataclass(frozen=True, slots=True)
class Canonical:
    """A quantity name and unit as sent, resolved once: the catalogue quantity and unit."""

    quantity: Quantity
    unit: str  # the unit the sender used (the quantity's unit when it named none)

    def value(self, value: float) -> float:
        """``value`` in the quantity's unit (UnitConversionRefused across dimensions)."""
        target = self.quantity.unit
        return value if self.unit == target else convert(value, self.unit, target)


def canonical(name: str, unit: str | None) -> Canonical | Refusal:
    """The catalogue quantity of ``name`` in ``unit``, or why it cannot be taken in."""
    quantity = find_quantity(name)
    if quantity is None:
        reason = (
            f"grandeur inconnue / unknown quantity {name!r}: use a quantity of the "
            "catalogue (e.g. temperature, laeq, pm25, water_level)"
        )
        return Refusal(Stage.normalise, "unknown_quantity", reason)
    return Canonical(quantity, unit or quantity.unit)


class Checker:
    """Normalises and validates column rows, each distinct quantity, unit and time once."""

    def __init__(self, now: datetime, *, skew: timedelta = DEFAULT_SKEW) -> None:
        self.latest = now + skew
        self._canonical: dict[tuple[str, str | None], Canonical | Refusal] = {}
        self._utc: dict[datetime, datetime | None] = {}
        self.now = now

    def check(
        self, columns: ReadingColumns, rows: Iterator[int]
    ) -> Iterator[tuple[int, float, Canonical] | tuple[int, Refusal]]:
        """For each row, ``(row, canonical value, canonical)`` or ``(row, refusal)``."""
        for i in rows:
            key = (columns.quantities[i], columns.units[i])
            found = self._canonical.get(key)
            if found is None:
                found = self._canonical[key] = canonical(*key)
            if isinstance(found, Refusal):
                yield i, found
                continue
            try:
                value = found.value(columns.values[i])
            except UnitConversionRefused as error:
                yield i, Refusal(Stage.normalise, "unit_conversion", error.message[:1000])
                continue
            quantity = found.quantity
            if not (quantity.minimum <= value <= quantity.maximum and math.isfinite(value)):
                yield i, self._implausible(quantity, value, columns.times[i])
                continue
            if self.utc(columns.times[i]) is None:
                yield i, self._implausible(quantity, value, columns.times[i])
                continue
            yield i, value, found

    def utc(self, ts: datetime) -> datetime | None:
        """``ts`` in UTC, or None when it is in the future or before any plausible clock."""
        if ts in self._utc:
            return self._utc[ts]
        utc = ts.astimezone(UTC)
        plausible = EARLIEST <= utc <= self.latest
        self._utc[ts] = utc if plausible else None
        return self._utc[ts]

    def _implausible(self, quantity: Quantity, value: float, ts: datetime) -> Refusal:
        reason = refusal_reason(quantity.id, quantity.unit, value, ts, self.now)
        reason = reason or too_old(ts) or "implausible"
        return Refusal(Stage.validate, "implausible", reason)


def too_old(ts: datetime) -> str | None:
    """Why a time before any set clock is refused, or None."""
    if ts >= EARLIEST:
        return None
    return f"timestamp {ts.isoformat()} is before {EARLIEST.date()}: the device clock is not set"
