"""The one-series 30-day hourly chart: p50 of GET /api/v1/series/{id}/values, both backends.

A noise sensor stores 30 days of readings every 10 minutes through the ingestion store (so its
hourly rollups are what ingestion writes); the chart asks for its 720 hourly points. Each
request goes through the ASGI app in process (token, scope, query, JSON answer), as
``bench_ingest_http.py`` does, and through ``convergence serve`` (one worker) over TCP, on one
kept-alive connection, as a browser or a dashboard asks. Beside them, the same read is timed in
process: rows to JSON bytes (what the endpoint does now) and through the models (what it did
before).

Run from the repository root::

    python bench/bench_series_read.py [--repeat 300] [--no-postgres]

With ``influxd`` on the PATH (InfluxDB 1.6 from Debian: see ``bench_alternative_mqtt.py``),
the same levels also go into a private InfluxDB, asked for the same chart over HTTP
(``SELECT mean(value) … GROUP BY time(1h)``, on one kept-alive connection), in the same run.

Prints figures only, and last the issue's bar beside the medians over TCP of both backends: the
SQLite median at most InfluxDB's, measured in this run when it could be, else the 6.0 ms
InfluxDB took on the machine where the issue was filed; with the machine's load (the medians
wait for a core on a busy machine; the CPU figures much less).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench_alternative_mqtt import DATABASE, influxdb
from fastapi.testclient import TestClient
from scratch import postgres_database
from sqlalchemy import Engine

from convergence.bootstrap import prepare_database
from convergence.collector import tune_collector
from convergence.db.engine import make_engine
from convergence.members import service as members
from convergence.members.roles import MemberKind, TokenScope
from convergence.members.schemas import MemberCreate, TokenCreate
from convergence.members.scope import command_line_scope
from convergence.members.tokens import create_token
from convergence.registry import service as registry
from convergence.registry.schemas import AssetCreate
from convergence.settings import Environment, Settings
from convergence.timeseries.query_schemas import Resolution, TimeRange
from convergence.timeseries.series_json import series_values_json
from convergence.timeseries.series_queries import series_values
from convergence.timeseries.store import NewReading, store_readings
from convergence.web.app import create_app

POSTGRES_ADMIN = os.environ.get(
    "CONVERGENCE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
START = datetime(2026, 10, 1, tzinfo=UTC)
DAYS = 30
TARGET_P50_MS = 6.0  # issue #18: InfluxDB answered this chart in 6.0 ms at the median
STEP = timedelta(minutes=10)


def level(i: int) -> float:
    """The sensor's ``i``-th level, in dB(A)."""
    return 45 + (i * 37 % 200) / 10


def populate(engine: Engine) -> tuple[int, str]:
    """A commune, its noise sensor with 30 days of 10-minute levels; (series id, read token)."""
    prepare_database(engine)
    with engine.begin() as conn:
        member = members.create_member(
            conn,
            data=MemberCreate(
                siren="217806462", name="Versailles", kind=MemberKind.commune, insee="78646"
            ),
            actor="bench",
        )
        asset = registry.create_asset(
            conn,
            scope=command_line_scope(),
            data=AssetCreate(
                member_id=member.id, name="Sonomètre", kind="sensor", lon=2.1301, lat=48.8049
            ),
        )
        token = create_token(
            conn,
            member_id=member.id,
            actor="bench",
            data=TokenCreate(name="bench", scopes=[TokenScope.read]),
        )
    readings = [
        NewReading(asset.id, member.id, "laeq", "dB(A)", START + i * STEP, level(i))
        for i in range(DAYS * 24 * 6)
    ]
    with engine.begin() as conn:
        stored = store_readings(conn, readings)
    return stored.inserted[0][0], token.secret


def percentiles(run: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """p50 and p90 in milliseconds of ``repeat`` calls (after a few to warm up), and the mean
    CPU milliseconds this process spent per call (every thread: on a loaded machine the
    wall-clock figures wait for a core, the CPU figure much less)."""
    for _ in range(5):
        run()
    times = []
    cpu = time.process_time()
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    cpu_ms = (time.process_time() - cpu) * 1000 / repeat
    deciles = statistics.quantiles(times, n=10)
    return statistics.median(times), deciles[8], cpu_ms


def run_backend(label: str, url: str, repeat: int, work: Path) -> float:
    """Print the backend's figures; the p50 over TCP in milliseconds."""
    engine = make_engine(url)
    series_id, token = populate(engine)
    period = TimeRange(start=START, end=START + timedelta(days=DAYS))
    params = {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "resolution": "hourly",
    }
    settings = Settings(
        environment=Environment.test, data_dir=work / "data", secret_key=secrets.token_urlsafe(48)
    )
    headers = {"Authorization": f"Bearer {token}"}
    print(f"{label}: one series, {DAYS} days hourly ({DAYS * 24} points), {repeat} requests")
    with TestClient(create_app(settings, engine=engine)) as client:
        path = f"/api/v1/series/{series_id}/values"
        answer = client.get(path, params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        assert len(answer.json()["points"]) == DAYS * 24

        def over_http() -> None:
            client.get(path, params=params, headers=headers).raise_for_status()

        asgi = percentiles(over_http, repeat)
        report("GET /api/v1/series/{id}/values (HTTP, ASGI)", *asgi)
    with served(url, work) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        query = f"{path}?{urllib.parse.urlencode(params)}"

        def over_tcp() -> None:
            connection.request("GET", query, headers=headers)
            answer = connection.getresponse()
            body = answer.read()
            assert answer.status == 200, body

        tcp = percentiles(over_tcp, repeat)
        report("the same, convergence serve over TCP", *tcp)
        print("  (this process's CPU: the client's only; the server's own is not counted)")
        connection.close()
    scope = command_line_scope()
    hourly = Resolution.hourly

    def rows_to_json() -> bytes:
        with engine.connect() as conn:
            return series_values_json(
                conn, scope=scope, series_id=series_id, time_range=period, resolution=hourly
            )

    def through_models() -> bytes:
        with engine.connect() as conn:
            found = series_values(
                conn, scope=scope, series_id=series_id, time_range=period, resolution=hourly
            )
        return found.model_dump_json().encode()

    assert rows_to_json() == through_models()
    report("in process: rows straight to JSON (now)", *percentiles(rows_to_json, repeat))
    report("in process: through the models (before)", *percentiles(through_models, repeat))
    engine.dispose()
    return tcp[0]


@contextmanager
def served(url: str, work: Path) -> Iterator[int]:
    """``convergence serve`` (one worker) on the bench's database; its port once it answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    environment = os.environ | {
        "CONVERGENCE_DATABASE_URL": url,
        "CONVERGENCE_DATA_DIR": str(work / "served"),
        "CONVERGENCE_SECRET_KEY": secrets.token_urlsafe(48),
        "CONVERGENCE_HOST": "127.0.0.1",
        "CONVERGENCE_PORT": str(port),
        "CONVERGENCE_WORKERS": "1",
    }
    command = [sys.executable, "-c", "from convergence.cli.main import run; run()", "serve"]
    server = subprocess.Popen(
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while not _healthy(port):
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("convergence serve did not answer /healthz within 60 s")
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _healthy(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def run_influxdb(repeat: int, work: Path) -> float:
    """The same levels in a private InfluxDB 1.6, the same chart asked over HTTP; its p50."""
    with influxdb(work / "influxdb") as influx:
        lines = "\n".join(
            f"laeq,device=sonometre value={level(i)} {int((START + i * STEP).timestamp())}"
            for i in range(DAYS * 24 * 6)
        )
        connection = http.client.HTTPConnection("127.0.0.1", influx.port, timeout=30)
        connection.request("POST", f"/write?db={DATABASE}&precision=s", body=lines.encode())
        written = connection.getresponse()
        assert written.status == 204, written.read()
        written.read()
        end = START + timedelta(days=DAYS)
        statement = (
            "SELECT mean(value) FROM laeq WHERE device = 'sonometre' "
            f"AND time >= '{START.isoformat()}' AND time < '{end.isoformat()}' GROUP BY time(1h)"
        )
        path = "/query?" + urllib.parse.urlencode({"db": DATABASE, "q": statement})

        def chart() -> bytes:
            connection.request("GET", path)
            answer = connection.getresponse()
            body = answer.read()
            assert answer.status == 200, body
            return body

        points = json.loads(chart())["results"][0]["series"][0]["values"]
        assert len(points) == DAYS * 24
        print(f"InfluxDB 1.6: the same levels, {DAYS * 24} hourly means, {repeat} requests")
        found = percentiles(chart, repeat)
        report("GET /query … GROUP BY time(1h) (HTTP, TCP)", *found)
        print("  (this process's CPU: the client's only; influxd's own is not counted)")
        connection.close()
        return found[0]


def report(label: str, p50: float, p90: float, cpu_ms: float) -> None:
    print(f"  {label:<48} p50 {p50:6.2f} ms   p90 {p90:6.2f} ms   CPU {cpu_ms:6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-influxdb", action="store_true")
    args = parser.parse_args()
    tune_collector()  # as `convergence serve` does
    print(f"load before: {load()}")
    medians = {}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        sqlite_url = f"sqlite:///{work / 'bench.sqlite3'}"
        medians["SQLite"] = run_backend("SQLite", sqlite_url, args.repeat, work)
        if not args.no_postgres:
            with postgres_database(POSTGRES_ADMIN) as url:
                label = "PostgreSQL (psycopg 3)"
                medians["PostgreSQL"] = run_backend(label, url, args.repeat, work)
        bar, source = TARGET_P50_MS, "InfluxDB where the issue was filed"
        if not args.no_influxdb and shutil.which("influxd"):
            bar, source = run_influxdb(args.repeat, work), "InfluxDB in this run"
    print(f"load after: {load()}")
    verdict = "met" if medians["SQLite"] <= bar else "NOT met"
    figures = ", ".join(f"{name} {p50:.2f} ms" for name, p50 in medians.items())
    print(f"target: p50 over TCP <= {bar:.2f} ms ({source}) on SQLite: {verdict} ({figures})")


def load() -> str:
    """The 1, 5 and 15-minute load averages and the number of cores."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


if __name__ == "__main__":
    main()
