"""Parts the OCPP 1.6 and 2.0.1 simulators share: pace, meter, connectors, tasks, link."""

from __future__ import annotations

import asyncio
import base64
import logging
import random
import statistics
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar, cast
from urllib.parse import quote

from ocpp import routing
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from convergence.simulation.chargepoint_config import ChargePointProfile, OcppVersion

LOGGER = logging.getLogger("convergence.simulation.chargepoint")
HandlerT = TypeVar("HandlerT", bound=Callable[..., Any])
Job = Callable[[], Coroutine[Any, Any, None]]
# On-board chargers of common cars: 16 A or 32 A, single or three phases.
VEHICLE_POWERS_W = (3_700.0, 7_400.0, 11_000.0, 22_000.0)


def on_action(action: str) -> Callable[[HandlerT], HandlerT]:
    """``ocpp.routing.on`` keeping the handler's type (the library ships no type hints)."""
    return cast("Callable[[HandlerT], HandlerT]", routing.on(action))


def after_action(action: str) -> Callable[[HandlerT], HandlerT]:
    """``ocpp.routing.after``: runs once the response to the CSMS has been sent."""
    return cast("Callable[[HandlerT], HandlerT]", routing.after(action))


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def ocpp_timestamp(instant: datetime | None = None) -> str:
    """An OCPP dateTime: UTC, milliseconds, ``Z`` suffix (OCPP-J recommends UTC)."""
    moment = (instant or utc_now()).astimezone(UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Pace:
    """Converts simulated durations to real ones (``speedup`` simulated s per real s)."""

    speedup: float

    async def sleep(self, simulated_s: float) -> None:
        """Sleep for a simulated duration."""
        await asyncio.sleep(simulated_s / self.speedup)

    async def wait(self, event: asyncio.Event, simulated_s: float) -> bool:
        """Wait for the event at most a simulated duration; whether it was set."""
        try:
            async with asyncio.timeout(simulated_s / self.speedup):
                await event.wait()
        except TimeoutError:
            return False
        return True

    def simulated_since(self, started: float) -> float:
        """Simulated seconds elapsed since a ``time.monotonic()`` instant."""
        return (time.monotonic() - started) * self.speedup


@dataclass
class EnergyMeter:
    """A connector's energy register (Wh) and the power it currently delivers (W)."""

    register_wh: float
    rng: random.Random
    power_w: float = 0.0
    target_w: float = 0.0

    def begin(self, power_w: float) -> None:
        """A vehicle starts drawing about this power."""
        self.target_w = self.power_w = power_w

    def advance(self, simulated_s: float) -> None:
        """Deliver energy for a while; the power wanders within a few per cent."""
        self.power_w = self.target_w * self.rng.uniform(0.96, 1.0) if self.target_w else 0.0
        self.register_wh += self.power_w * simulated_s / 3600

    def end(self) -> None:
        """The vehicle stops drawing power."""
        self.target_w = self.power_w = 0.0

    @property
    def reading_wh(self) -> int:
        """The register as a meter displays it: whole watt-hours, never decreasing."""
        return int(self.register_wh)


@dataclass(eq=False)
class ConnectorState:
    """One 1.6 connector or one 2.0.1 EVSE: the unit that charges one vehicle."""

    connector_id: int
    meter: EnergyMeter
    status: str = "Available"
    operative: bool = True
    fault: str | None = None
    busy: bool = False
    transaction_id: str | None = None
    session: asyncio.Task[None] | None = None
    stop_requested: asyncio.Event = field(default_factory=asyncio.Event)
    stop_reason: str = "Local"

    @property
    def free(self) -> bool:
        """Whether a new session may start here."""
        return not self.busy and self.operative and self.fault is None

    def request_stop(self, reason: str) -> None:
        """Ask the running session to end with an OCPP stop reason."""
        self.stop_reason = reason
        self.stop_requested.set()

    @property
    def idle_status(self) -> str:
        """Status when no vehicle is plugged (same words in OCPP 1.6 and 2.0.1)."""
        if self.fault is not None:
            return "Faulted"
        return "Available" if self.operative else "Unavailable"


@dataclass(frozen=True)
class SessionPlan:
    """What a session should do once started."""

    id_tag: str
    duration_s: float
    power_w: float | None = None
    remote: bool = False
    remote_start_id: int | None = None


@dataclass
class CallStats:
    """Round-trip times of the requests sent to the CSMS (shared by a fleet)."""

    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0

    @property
    def count(self) -> int:
        """Requests answered."""
        return len(self.latencies_s)

    def percentile(self, percent: float) -> float:
        """A latency percentile in seconds (0 when nothing was measured)."""
        if len(self.latencies_s) < 2:
            return self.latencies_s[0] if self.latencies_s else 0.0
        cuts = statistics.quantiles(self.latencies_s, n=1000, method="inclusive")
        return cuts[min(len(cuts) - 1, max(0, round(percent * 10) - 1))]


class BackgroundTasks:
    """Tasks a simulator starts, kept referenced, their failures reported, all cancellable."""

    def __init__(self, on_error: Callable[[BaseException], None]) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._on_error = on_error

    def spawn(self, job: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run a coroutine in the background."""
        task = asyncio.get_running_loop().create_task(job)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            self._on_error(error)

    async def close(self) -> None:
        """Cancel every task still running and wait for them."""
        # Python 3.11's asyncio.wait_for (used inside ocpp) swallows a cancellation that
        # races with its result, so cancel again until every task has really ended.
        while pending := [task for task in self._tasks if not task.done()]:
            for task in pending:
                task.cancel()
            await asyncio.wait(pending, timeout=0.05)


def vehicle_power(rng: random.Random, max_power_w: float) -> float:
    """The power a typical vehicle draws, capped by the charge point."""
    return min(rng.choice(VEHICLE_POWERS_W), max_power_w)


@asynccontextmanager
async def ocpp_connection(
    url: str, profile: ChargePointProfile, version: OcppVersion
) -> AsyncIterator[ClientConnection]:
    """A WebSocket to ``{url}/{charge_point_id}`` with the OCPP subprotocol and Basic auth."""
    credentials = f"{profile.charge_point_id}:{profile.password}".encode()
    address = f"{url.rstrip('/')}/{quote(profile.charge_point_id, safe='')}"
    async with connect(
        address,
        subprotocols=[Subprotocol(version.value)],
        additional_headers={"Authorization": f"Basic {base64.b64encode(credentials).decode()}"},
        # A charge point talks to its CSMS directly, never through an HTTP proxy of the host.
        proxy=None,
        open_timeout=profile.response_timeout_s,
    ) as websocket:
        if websocket.subprotocol != version.value:
            raise ConnectionError(f"the CSMS did not agree on {version.value}")
        yield websocket
