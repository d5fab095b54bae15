"""Codecs that keep failing are suspended for a while: their frames wait as dead letters.

A codec that times out, runs out of memory or raises on every frame costs its full budget
per frame (finding 2 of #13: 200 frames of such a codec kept the ingestion busy for 30 s).
After ``after`` failures in a row, none older than ``window_s`` before the last one, the
codec is suspended for ``period_s``: its frames go straight to the dead letters with the code
``codec_suspended``, to be replayed (``convergence deadletters replay``) once it is fixed. A
success resets the count; an operator may lift a suspension by hand.

The count and the suspensions live in the process (its ``Codecs``): each process that
ingests (``serve``, ``ingest mqtt``) suspends on what it saw itself. Sharing them through the
database would cost a write per failing frame, the very thing being protected.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from convergence.db.types import utcnow
from convergence.decoders.sdk import DecodeError, DecodeErrorReason, DecodeResult
from convergence.ingest.envelope import Refusal, Stage

logger = logging.getLogger(__name__)
CODEC_SUSPENDED = "codec_suspended"
# A frame the codec refuses (too short, port unknown) is the frame's fault, not the codec's.
_FRAME_FAULTS = frozenset({DecodeErrorReason.truncated, DecodeErrorReason.unsupported})


@dataclass(frozen=True, slots=True)
class Suspension:
    """A codec set aside: since when, until when, after how many failures, the last one."""

    codec: str
    since: datetime
    until: datetime
    failures: int
    last_failure: str


@dataclass(slots=True)
class _Streak:
    failures: int = 0
    last_at: datetime | None = None
    last_failure: str = ""


def is_failure(outcome: DecodeResult | DecodeError) -> bool:
    """True when the codec itself failed: time-out, memory, crash, invalid output."""
    return isinstance(outcome, DecodeError) and outcome.reason not in _FRAME_FAULTS


class CodecSuspensions:
    """Failures in a row of each codec, and the codecs suspended (one process)."""

    def __init__(
        self,
        *,
        after: int = 20,
        window_s: float = 600.0,
        period_s: float = 600.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.after, self.clock = after, clock
        self.window = timedelta(seconds=window_s)
        self.period = timedelta(seconds=period_s)
        self._streaks: dict[str, _Streak] = {}
        self._suspended: dict[str, Suspension] = {}
        self._lock = threading.Lock()

    def suspended(self, codec: str) -> Suspension | None:
        """The codec's suspension while it lasts; None once it is over (or there is none)."""
        with self._lock:
            suspension = self._suspended.get(codec)
            if suspension is not None and suspension.until <= self.clock():
                del self._suspended[codec]
                logger.warning("codec %s: suspension over, it runs again", codec)
                return None
            return suspension

    def record(self, codec: str, outcomes: Sequence[DecodeResult | DecodeError]) -> None:
        """Count a run's outcomes, in order: a success resets, enough failures suspend."""
        with self._lock:
            streak = self._streaks.setdefault(codec, _Streak())
            now = self.clock()
            for outcome in outcomes:
                if not is_failure(outcome):
                    streak.failures = 0
                    continue
                assert isinstance(outcome, DecodeError)
                if streak.last_at is not None and now - streak.last_at > self.window:
                    streak.failures = 0
                streak.failures += 1
                streak.last_at, streak.last_failure = now, outcome.message[:300]
            if streak.failures >= self.after and codec not in self._suspended:
                self._suspend(codec, streak, now)

    def _suspend(self, codec: str, streak: _Streak, now: datetime) -> None:
        self._suspended[codec] = Suspension(
            codec, now, now + self.period, streak.failures, streak.last_failure
        )
        logger.warning(
            "codec %s suspended until %s after %d failures in a row (last: %s); its frames "
            "are kept as dead letters (%s)",
            codec,
            (now + self.period).isoformat(),
            streak.failures,
            streak.last_failure,
            CODEC_SUSPENDED,
        )
        streak.failures = 0

    def lift(self, codec: str) -> bool:
        """End a suspension by hand; False when the codec was not suspended."""
        with self._lock:
            self._streaks.pop(codec, None)
            lifted = self._suspended.pop(codec, None) is not None
        if lifted:
            logger.warning("codec %s: suspension lifted by hand", codec)
        return lifted

    def current(self) -> list[Suspension]:
        """The suspensions in force, by codec."""
        with self._lock:
            now = self.clock()
            return sorted(
                (s for s in self._suspended.values() if s.until > now), key=lambda s: s.codec
            )


def suspended_refusal(suspension: Suspension) -> Refusal:
    """The dead letter's reason for a frame that met a suspended codec."""
    until = suspension.until.isoformat(timespec="seconds")
    reason = (
        f"codec {suspension.codec} suspendu jusqu'à {until} après {suspension.failures} échecs "
        f"de suite ; trame non décodée, à rejouer une fois le codec corrigé / codec "
        f"{suspension.codec} suspended until {until} after {suspension.failures} failures in a "
        f"row (last: {suspension.last_failure}); frame not decoded: replay it once the codec "
        "is fixed (convergence deadletters replay)"
    )
    return Refusal(Stage.decode, CODEC_SUSPENDED, reason[:1000])
