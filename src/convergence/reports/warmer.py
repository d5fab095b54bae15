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
from convergence.reports.domain_figures import REQUESTS_SHARE, warm_domain_pages
from convergence.reports.figures_cache import Warmed, warm_compared_stations, warm_key_figures
from convergence.servicelines import service_lines
from convergence.timedcache import TimedCache

logger = logging.getLogger(__name__)
WARM_EVERY_S = 240.0
# Members whose users open many communes' dashboards from their territory page.
TERRITORIES = frozenset({MemberKind.epci.value, MemberKind.departement.value})


def warm_pages(engine: Engine, cache: TimedCache, warmed: Warmed | None = None) -> int:
    """One round: the key figures and dashboards first (``warm_key_figures``), then the
    stations each territory (EPCI, département) compares its communes with, then the
    domain pages of each commune member's own commune with equipment; the number of
    communes, comparisons and pages computed."""
    warmed = warmed if warmed is not None else Warmed()
    done = warm_key_figures(engine, cache, warmed)
    today = local_day_of(utcnow())
    with engine.connect() as conn:
        found = conn.execute(select(members.c.id, members.c.kind, members.c.insee)).all()
        fingerprints = data_fingerprints(conn)
    territories = [m for m, kind, _ in found if kind in TERRITORIES]
    for member_id in territories:
        if cache.free_entries() < len(service_lines()) + cache.max_entries // REQUESTS_SHARE:
            break
        done += warm_compared_stations(
            engine, cache, member_id=member_id, today=today, warmed=warmed,
            fingerprint=tuple(sorted(fingerprints.items())),
        )  # fmt: skip
    communes = [(m, insee) for m, kind, insee in found if kind == MemberKind.commune.value]
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
