"""Key figures of communes kept a while, shared by every reader who reads the same data.

A commune's key figures depend only on which members' equipment in it the reader reads, and
how (in full, or its aggregates): the commune itself, the operator and the département read
the same rows of a commune that owns all its equipment. Keying the figures by those owners
rather than by the reader lets one computation serve them all, and lets a background thread
compute them before anyone asks (``warm_key_figures``), which the first visit of a territory
page would otherwise pay for every commune.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, Engine, select

from convergence.db.types import utcnow
from convergence.indicators.timewindows import local_day_of
from convergence.members.binding import reader_scope
from convergence.members.roles import MemberKind
from convergence.members.scope import MemberScope, member_clause
from convergence.members.tables import members
from convergence.registry.tables import assets
from convergence.reports.data_fingerprints import data_fingerprints
from convergence.reports.overview import (
    commune_indicators,
    compared_key,
    comparison_query,
    key_figures,
    visibility,
)
from convergence.reports.schemas import KeyFigure
from convergence.reports.territory import territory_communes
from convergence.servicelines import service_lines
from convergence.timedcache import TimedCache

# What the warmer computes is kept until well after its next round, which may take minutes on
# a large territory: a page never finds it gone between two rounds.
WARMED_TTL_S = 900.0
# A key whose data did not change is computed again after this long all the same: a figure
# may depend on the clock (the hours of the current day), not only on the data.
RECOMPUTE_AFTER_S = 900.0
ACTOR = "system:warming"

# Public functions reading members' rows without a scope, and why.
UNSCOPED = {
    "warm_key_figures": "builds each member's reader scope (reader_scope) and reads with it",
    "warm_commune_dashboard": "builds the member's reader scope (reader_scope) and reads with it",
    "warm_compared_stations": "builds the member's reader scope (reader_scope) and reads with it",
}


def readable_owners(
    conn: Connection, *, scope: MemberScope, communes: Sequence[str]
) -> dict[str, Hashable]:
    """For each commune, the members whose equipment in it the scope reads in full, and
    those it reads the aggregates of."""
    rows = conn.execute(
        select(assets.c.commune_insee, assets.c.member_id)
        .where(
            member_clause(scope, assets.c.member_id, aggregates=True),
            assets.c.commune_insee.in_(list(communes)),
        )
        .distinct()
    ).all()
    full = scope.full_member_ids | {scope.member_id}
    found: dict[str, tuple[set[int], set[int]]] = {}
    for insee, member_id in rows:
        whole, aggregates = found.setdefault(insee, (set(), set()))
        (whole if scope.sees_all_members or member_id in full else aggregates).add(member_id)
    return {
        insee: (tuple(sorted(whole)), tuple(sorted(aggregates)))
        for insee, (whole, aggregates) in found.items()
    }


def cached_figures(
    conn: Connection,
    *,
    scope: MemberScope,
    communes: Sequence[str],
    today: date,
    cache: TimedCache,
) -> Callable[[str], list[KeyFigure]]:
    """``figures_of(insee)`` for the communes, each commune's figures kept in ``cache``
    under the key the warmer uses."""
    owners = readable_owners(conn, scope=scope, communes=communes)

    def figures_of(insee: str) -> list[KeyFigure]:
        def compute() -> list[KeyFigure]:
            return key_figures(conn, scope=scope, commune=insee, today=today)

        return cache.get_or_compute(("chiffres-cles", insee, owners.get(insee), today), compute)

    return figures_of


@dataclass
class Warmed:
    """What the warmer computed, from which data and when: a key whose commune's data did
    not change since is kept as it is (``RECOMPUTE_AFTER_S`` at most)."""

    entries: dict[Hashable, tuple[Hashable, float]] = field(default_factory=dict)

    def still_right(self, cache: TimedCache, key: Hashable, fingerprint: Hashable) -> bool:
        """True (and the cached value kept longer) when ``key`` was computed recently from
        the same data and the cache still holds it."""
        found = self.entries.get(key)
        if found is None or found[0] != fingerprint:
            return False
        if time.monotonic() - found[1] >= RECOMPUTE_AFTER_S:
            return False
        return cache.keep(key, ttl_s=WARMED_TTL_S)

    def computed(self, key: Hashable, fingerprint: Hashable) -> None:
        self.entries[key] = (fingerprint, time.monotonic())

    def forget_old(self) -> None:
        """Drop what would be computed again anyway (yesterday's keys among them)."""
        limit = time.monotonic() - RECOMPUTE_AFTER_S
        self.entries = {k: v for k, v in self.entries.items() if v[1] > limit}


def warm_key_figures(engine: Engine, cache: TimedCache, warmed: Warmed | None = None) -> int:
    """Compute, for every member's readers, the key figures of the communes of its territory
    that have equipment; the number of communes computed (each set of readable data once per
    round). Given what was ``warmed`` before, a commune whose data did not change since is
    not computed again. One short connection per commune: on SQLite a connection holds the
    write lock, which ingestion must get between two communes."""
    today = local_day_of(utcnow())
    warmed = warmed if warmed is not None else Warmed()
    warmed.forget_old()
    done = 0
    seen: set[Hashable] = set()
    with engine.connect() as conn:
        found = conn.execute(
            select(members.c.id, members.c.insee).where(members.c.kind != MemberKind.operator.value)
        ).all()
        fingerprints = data_fingerprints(conn)
    # A commune's dashboard compares it with the others: it reads every commune's data.
    everything = tuple(sorted(fingerprints.items()))
    for member_id, own in found:
        if own is not None:
            warm_commune_dashboard(
                engine, cache, member_id=member_id, commune=own, today=today,
                warmed=warmed, fingerprint=everything,
            )  # fmt: skip
        with engine.connect() as conn:
            scope = reader_scope(conn, member_id=member_id, actor=ACTOR)
            owners = readable_owners(
                conn, scope=scope, communes=territory_communes(conn, scope=scope)
            )
        for insee, owned in owners.items():
            key = ("chiffres-cles", insee, owned, today)
            if key in seen or warmed.still_right(cache, key, fingerprints.get(insee)):
                continue
            with engine.connect() as conn:
                figures = key_figures(conn, scope=scope, commune=insee, today=today)
            cache.put(key, figures, ttl_s=WARMED_TTL_S)
            warmed.computed(key, fingerprints.get(insee))
            seen.add(key)
            done += 1
    return done


def warm_commune_dashboard(
    engine: Engine,
    cache: TimedCache,
    *,
    member_id: int,
    commune: str,
    today: date,
    warmed: Warmed | None = None,
    fingerprint: Hashable = None,
) -> None:
    """The indicators of a commune's own dashboard (key figures and comparisons), as its
    users read them: their landing page (unless ``warmed`` holds them from the same data)."""
    warmed = warmed if warmed is not None else Warmed()
    with engine.connect() as conn:
        scope = reader_scope(conn, member_id=member_id, actor=ACTOR)
        key = ("tableau-de-bord", visibility(scope), commune, today)
        if warmed.still_right(cache, key, fingerprint):
            return
        indicators = commune_indicators(conn, scope=scope, commune=commune, today=today)
    cache.put(key, indicators, ttl_s=WARMED_TTL_S)
    warmed.computed(key, fingerprint)


def warm_compared_stations(
    engine: Engine,
    cache: TimedCache,
    *,
    member_id: int,
    today: date,
    warmed: Warmed | None = None,
    fingerprint: Hashable = None,
) -> int:
    """The stations a territory's readers compare each commune with (``compared_stations``),
    computed once for all the communes its users open from its territory page (unless
    ``warmed`` holds them from the same data); the number of lines computed."""
    warmed = warmed if warmed is not None else Warmed()
    done = 0
    with engine.connect() as conn:
        scope = reader_scope(conn, member_id=member_id, actor=ACTOR)
    for line in service_lines():
        key = compared_key(line.name, scope, today)
        if line.comparison is None or warmed.still_right(cache, key, fingerprint):
            continue
        with engine.connect() as conn:
            found = line.comparison.stations(conn, scope, comparison_query(today))
        cache.put(key, found, ttl_s=WARMED_TTL_S)
        warmed.computed(key, fingerprint)
        done += 1
    return done
