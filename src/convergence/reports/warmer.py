"""The warmer: a thread computing ahead of the pages what their first visit would otherwise
compute — the territory's key figures, each commune's dashboard, then each commune member's
domain pages — every few minutes, again only where the data changed."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine, select

from convergence.db.types import utcnow
from convergence.indicators.timewindows import local_day_of
from convergence.members.roles import MemberKind
from convergence.members.tables import members
from convergence.reports.data_fingerprints import data_fingerprints
from convergence.reports.domain_figures import warm_domain_pages
from convergence.reports.figures_cache import Warmed, warm_key_figures
from convergence.timedcache import TimedCache

logger = logging.getLogger(__name__)
WARM_EVERY_S = 240.0


def warm_pages(engine: Engine, cache: TimedCache, warmed: Warmed | None = None) -> int:
    """One round: the key figures and dashboards first (``warm_key_figures``), then the
    domain pages of each commune member's own commune with equipment; the number of
    communes and pages computed."""
    warmed = warmed if warmed is not None else Warmed()
    done = warm_key_figures(engine, cache, warmed)
    today = local_day_of(utcnow())
    with engine.connect() as conn:
        communes = conn.execute(
            select(members.c.id, members.c.insee).where(
                members.c.kind == MemberKind.commune.value, members.c.insee.is_not(None)
            )
        ).all()
        fingerprints = data_fingerprints(conn)
    for member_id, insee in communes:
        if insee in fingerprints:
            done += warm_domain_pages(
                engine, cache, member_id=member_id, commune=insee, today=today,
                warmed=warmed, fingerprint=fingerprints[insee],
            )  # fmt: skip
    return done


class FigureWarmer:
    """A thread running ``warm_pages`` every ``every_s`` seconds; ``after_first_round`` is
    called once the pages of the start-up are computed (the process's long-lived data)."""

    def __init__(
        self,
        engine: Engine,
        cache: TimedCache,
        *,
        every_s: float = WARM_EVERY_S,
        after_first_round: Callable[[], None] | None = None,
    ):
        self.engine = engine
        self.cache = cache
        self.every_s = every_s
        self.after_first_round = after_first_round
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.warmed = Warmed()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="figure-warmer", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        first = True
        while not self._stop.is_set():
            try:
                warm_pages(self.engine, self.cache, self.warmed)
            except Exception:  # a failed round is logged; the pages compute on demand
                logger.exception("warming the key figures failed")
            if first and self.after_first_round is not None:
                self.after_first_round()
            first = False
            self._stop.wait(self.every_s)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
