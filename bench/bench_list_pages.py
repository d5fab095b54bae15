"""Time to read one page of a long API list, at its start and deep inside it.

Run from the repository root: ``python bench/bench_list_pages.py [--rows N] [--limit N]
[--repeat N] [--database-url URL]``. Without a URL it builds a fresh SQLite file in a
temporary directory; give a PostgreSQL URL of an empty database to measure there. It stores
``--rows`` pieces of equipment of one commune, then times ``GET /api/v1/assets`` through the
ASGI app in process: the first page, and the page that follows a cursor near the end (keyset:
the database seeks to the key). For comparison it times the inventory pages' offset query
(``registry.queries.list_assets`` with ``offset`` and its count, what the API answered
before), which reads and skips every row before the page, against the keyset query alone.
Prints figures only.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert

from convergence.bootstrap import prepare_database
from convergence.db.engine import make_engine
from convergence.db.types import utcnow
from convergence.members import service as members
from convergence.members import tokens
from convergence.members.roles import MemberKind
from convergence.members.schemas import MemberCreate, TokenCreate
from convergence.members.scope import command_line_scope
from convergence.registry import queries
from convergence.registry.schemas import AssetFilters
from convergence.registry.tables import assets
from convergence.settings import Environment, Settings
from convergence.web.api.pagination import PageRequest, paginate
from convergence.web.app import create_app

BATCH = 5_000


def fill(engine: Engine, rows: int) -> str:
    """A commune with ``rows`` pieces of equipment; its read token."""
    with engine.begin() as conn:
        member = members.create_member(
            conn,
            data=MemberCreate(
                siren="217806462", name="Versailles", kind=MemberKind.commune, insee="78646"
            ),
            actor="bench",
        )
        token = tokens.create_token(
            conn, member_id=member.id, data=TokenCreate(name="banc", scopes=["read"]),
            actor="bench",
        )  # fmt: skip
        now = utcnow()
        for start in range(0, rows, BATCH):
            conn.execute(
                insert(assets),
                [
                    {"member_id": member.id, "name": f"capteur {n}", "kind": "sensor",
                     "domain": "air", "status": "active", "commune_insee": "78646",
                     "tags": [], "created_at": now, "updated_at": now}
                    for n in range(start, min(rows, start + BATCH))
                ],
            )  # fmt: skip
    return token.secret


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = make_engine(url)
        prepare_database(engine)
        started = time.perf_counter()
        token = fill(engine, args.rows)
        elapsed = time.perf_counter() - started
        print(f"{args.rows} rows stored in {elapsed:.1f} s ({url.split(':')[0]})")
        settings = Settings(
            environment=Environment.test, data_dir=Path(tmp) / "data",
            secret_key=secrets.token_urlsafe(48),
        )  # fmt: skip
        headers = {"Authorization": f"Bearer {token}"}
        depth = args.rows - 2 * args.limit
        with TestClient(create_app(settings, engine=engine)) as client:
            with engine.connect() as conn:
                [deep_key] = conn.execute(
                    queries.select_assets(scope=command_line_scope(), filters=AssetFilters())
                    .with_only_columns(assets.c.id)
                    .order_by(assets.c.id)
                    .offset(depth - 1)
                    .limit(1)
                ).scalars()
            cursor = PageRequest(args.limit, None, "/api/v1/assets").cursor_after([deep_key])

            def first() -> object:
                return client.get("/api/v1/assets", params={"limit": args.limit}, headers=headers)

            def deep() -> object:
                params = {"limit": args.limit, "cursor": cursor}
                answer = client.get("/api/v1/assets", params=params, headers=headers)
                assert answer.status_code == 200, answer.text
                assert answer.json()["items"][0]["id"] > deep_key
                return answer

            def keyset() -> object:
                request = PageRequest(args.limit, (deep_key,), "/api/v1/assets")
                with engine.connect() as conn:
                    statement = queries.select_assets(
                        scope=command_line_scope(), filters=AssetFilters()
                    )
                    return paginate(conn, statement, request, to_item=queries.asset_out)

            def offset() -> object:
                filters = AssetFilters(limit=args.limit, offset=depth)
                with engine.connect() as conn:
                    return queries.list_assets(conn, scope=command_line_scope(), filters=filters)

            first_ms = median_ms(first, args.repeat)
            deep_ms = median_ms(deep, args.repeat)
            keyset_ms = median_ms(keyset, args.repeat)
            offset_ms = median_ms(offset, args.repeat)
        engine.dispose()
    print(f"GET /api/v1/assets, {args.limit} a page, median of {args.repeat}, through HTTP:")
    print(f"  first page                        {first_ms:8.1f} ms")
    print(f"  page after row {depth:<10,}         {deep_ms:8.1f} ms")
    print("The same deep page, database and items only:")
    print(f"  keyset (the cursor)               {keyset_ms:8.1f} ms")
    print(f"  offset and count (the former API) {offset_ms:8.1f} ms")


if __name__ == "__main__":
    main()
