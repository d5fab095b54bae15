"""Server-side render time of every page with a few thousand pieces of equipment.

Run from the repository root: ``python bench/bench_pages.py [--assets N] [--repeat N]
[--days N] [--scale X] [--database-url URL]``. Without a URL it builds a fresh SQLite file in
a temporary directory; give a PostgreSQL URL of an empty database to measure there. Besides
the imported equipment (no data), the simulated fleet of the same communes (about 1,100
assets and 2,000 series at scale 1) sends ``--days`` days of hourly readings through the
ingestion bulk path, so the dashboard, the domain pages and the equipment pages chart real
rollups. Requests go through the ASGI app in process (no network), so the figures are what
the server spends on each page. Like ``convergence serve``, it tunes the garbage collector and
warms the key figures and the domain pages before timing, then freezes what it warmed
(``--default-collector`` keeps Python's collector settings, ``--cold`` skips the warming).
Prints figures only; the issue's bar is 300 ms at the 95th percentile.
"""

from __future__ import annotations

import argparse
import random
import re
import secrets
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import shapely
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine

from convergence.bootstrap import prepare_database
from convergence.collector import freeze_long_lived, tune_collector
from convergence.db.engine import make_engine
from convergence.db.types import utcnow
from convergence.indicators.timewindows import local_day_of
from convergence.members import service as members
from convergence.members import tokens
from convergence.members.roles import MemberKind, Role, TokenScope
from convergence.members.schemas import MemberCreate, TokenCreate, UserCreate
from convergence.members.scope import command_line_scope
from convergence.registry import csv_io
from convergence.registry import service as registry
from convergence.registry.kinds import AssetKind, AssetStatus, Domain
from convergence.registry.schemas import DeviceModelCreate, InitiativeCreate
from convergence.reports.warmer import warm_pages
from convergence.settings import Environment, Settings
from convergence.simulation.fleet import plan_fleet
from convergence.simulation.fleet_writer import register_fleet, write_readings
from convergence.territory.geometry import load_commune_index
from convergence.web.app import create_app

PASSWORD = "mot de passe du banc d'essai"
# Role -> the local part of its user's e-mail (see populate).
USERS = {
    "operator_admin": "operateur",
    "departement": "departement",
    "member_admin": "admin",
    "technician": "tech",
}
BAR_MS = 300.0
# (SIREN, name, INSEE) of the communes that own the equipment, big and small, in 78 and 92.
COMMUNES = (
    ("217806462", "Versailles", "78646"),
    ("219200128", "Boulogne-Billancourt", "92012"),
    ("217803618", "Mantes-la-Jolie", "78361"),
    ("219200490", "Meudon", "92048"),
    ("217805514", "Saint-Germain-en-Laye", "78551"),
    ("217804400", "Maisons-Laffitte", "78358"),
)
KINDS = {
    Domain.air: AssetKind.sensor,
    Domain.noise: AssetKind.sensor,
    Domain.traffic: AssetKind.counter,
    Domain.water: AssetKind.sensor,
    Domain.lighting: AssetKind.lighting_cabinet,
    Domain.charging: AssetKind.charge_point,
    Domain.video: AssetKind.camera,
}


def random_points(insee: str, count: int, rng: random.Random) -> list[tuple[float, float]]:
    """Points drawn uniformly inside the commune's boundary."""
    index = load_commune_index()
    polygon = index.geometries[index.position(insee)]
    min_lon, min_lat, max_lon, max_lat = polygon.bounds
    points: list[tuple[float, float]] = []
    while len(points) < count:
        lon, lat = rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)
        if shapely.intersects_xy(polygon, lon, lat):
            points.append((round(lon, 6), round(lat, 6)))
    return points


def asset_csv(insee: str, count: int, initiative_ids: list[int], rng: random.Random) -> bytes:
    """A CSV file of ``count`` pieces of equipment in one commune, in the import format."""
    lines = ["name,kind,domain,status,lon,lat,serial,initiative_id,tags"]
    for number, (lon, lat) in enumerate(random_points(insee, count, rng)):
        domain = rng.choice(list(KINDS))
        status = rng.choice(list(AssetStatus))
        initiative = rng.choice(initiative_ids) if rng.random() < 0.4 else ""
        lines.append(
            f"{domain.value} {insee}-{number},{KINDS[domain].value},{domain.value},"
            f"{status.value},{lon},{lat},SN-{insee}-{number},{initiative},banc|essai"
        )
    return ("\n".join(lines) + "\n").encode()


def populate(engine: Engine, *, assets: int, seed: int) -> dict[str, str]:
    """Members, users, tokens, models, projects and equipment; returns the users' e-mails."""
    rng = random.Random(seed)
    with engine.begin() as conn:
        operator = members.create_member(
            conn,
            data=MemberCreate(siren="257800013", name="Syndicat", kind=MemberKind.operator),
            actor="bench",
        )
        emails = {
            "operator_admin": _user(conn, operator.id, Role.operator_admin, USERS["operator_admin"])
        }
        departement = members.create_member(
            conn,
            data=MemberCreate(
                siren=members.DEPARTEMENT_SIRENS["78"],
                name="Département des Yvelines",
                kind=MemberKind.departement,
            ),
            actor="bench",
        )
        emails["departement"] = _user(conn, departement.id, Role.elected, "departement")
        for model in ("AM307", "EM310", "WS558", "VS133"):
            registry.register_device_model(
                conn,
                data=DeviceModelCreate(vendor="Milesight", model=model, domain=Domain.air),
                actor="bench",
            )
        for siren, name, insee in COMMUNES:
            member_id = _commune(conn, siren, name, insee, assets // len(COMMUNES), rng)
            if insee == "78646":
                emails["member_admin"] = _user(conn, member_id, Role.member_admin, "admin")
                emails["technician"] = _user(conn, member_id, Role.technician, "tech")
    return emails


def _commune(
    conn: Connection, siren: str, name: str, insee: str, assets: int, rng: random.Random
) -> int:
    """A commune member with its tokens, eight projects and ``assets`` pieces of equipment."""
    cli = command_line_scope("bench")
    member = members.create_member(
        conn,
        data=MemberCreate(siren=siren, name=name, kind=MemberKind.commune, insee=insee),
        actor="bench",
    )
    _tokens(conn, member.id)
    projects = [
        registry.create_initiative(
            conn,
            scope=cli,
            data=InitiativeCreate(
                name=f"Projet {n} de {name}", domain=Domain.air, member_id=member.id
            ),
        ).id
        for n in range(8)
    ]
    data = asset_csv(insee, assets, projects, rng)
    report = csv_io.import_assets(conn, scope=cli, data=data, member_id=member.id)
    assert report.ok, report.errors[:3]
    return member.id


def _user(conn: Connection, member_id: int, role: Role, key: str) -> str:
    email = f"{key}@banc.example.fr"
    data = UserCreate(email=email, role=role, password=PASSWORD)
    members.create_user(conn, member_id=member_id, data=data, actor="bench")
    return email


def _tokens(conn: Connection, member_id: int) -> None:
    for scope in TokenScope:
        tokens.create_token(
            conn,
            member_id=member_id,
            data=TokenCreate(name=f"jeton {scope}", scopes=[scope]),
            actor="bench",
        )


def simulate(engine: Engine, *, days: int, scale: float, seed: int) -> int:
    """The simulated fleet of the bench's communes with ``days`` days of hourly readings;
    the number of readings stored."""
    plan = plan_fleet(seed=seed, scale=scale, communes=[insee for _, _, insee in COMMUNES])
    with engine.begin() as conn:
        fleet = register_fleet(conn, plan=plan, actor="bench")
    end = utcnow().replace(minute=0, second=0, microsecond=0)
    report = write_readings(
        engine, fleet=fleet, start=end - timedelta(days=days), end=end, step=timedelta(hours=1)
    )
    return report.inserted


def log_in(client: TestClient, email: str) -> None:
    client.cookies.clear()
    page = client.get("/connexion").text
    match = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert match
    response = client.post(
        "/connexion",
        data={"email": email, "password": PASSWORD, "csrf_token": match.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def data_pages(client: TestClient, days: int) -> list[str]:
    """The dashboard, the domain pages and an equipment page with its curves."""
    today = local_day_of(utcnow())
    first = today - timedelta(days=days - 1)
    simulated = client.get("/inventaire?q=SIM-AIR").text
    station = re.findall(r'href="/inventaire/(\d+)"', simulated)[0]
    return [
        "/tableau-de-bord",
        "/tableau-de-bord?commune=78646",
        "/air",
        f"/air?du={first.isoformat()}&au={today.isoformat()}",
        f"/air?equipement={station}",
        "/bruit",
        "/trafic",
        "/eau",
        "/eclairage",
        "/recharge",
        f"/inventaire/{station}",
        "/alertes",
        "/admin/messages-rejetes",
        "/admin/appareils-decouverts",
        "/admin/integrations",
    ]


def pages(client: TestClient, days: int) -> list[str]:
    """The pages to time, with real ids of the logged-in user's own data."""
    listing = client.get("/inventaire").text
    asset_id = re.findall(r'href="/inventaire/(\d+)"', listing)[0]
    project_id = re.findall(r'href="/projets/(\d+)"', client.get("/projets").text)[0]
    return [
        *data_pages(client, days),
        "/carte",
        "/carte/equipements.geojson",
        "/carte/communes.geojson",
        "/inventaire",
        "/inventaire?domaine=air&statut=active&page=2",
        "/inventaire?q=78646-12",
        f"/inventaire/{asset_id}",
        f"/inventaire/{asset_id}/modifier",
        "/inventaire/nouveau",
        "/inventaire/import",
        "/api/v1/assets.csv",
        "/projets",
        f"/projets/{project_id}",
        "/admin",
        "/admin/adherents",
        "/admin/utilisateurs",
        "/admin/jetons",
        "/admin/modeles",
    ]


# What an elected official of a département opens: its territory, a commune, the proposals.
TERRITORY_PAGES = (
    "/tableau-de-bord",
    "/tableau-de-bord/territoire",
    "/tableau-de-bord?commune=78646",
    "/propositions",
    "/carte",
    "/alertes",
)


def timed_get(client: TestClient, path: str) -> float:
    """Milliseconds of one request (which must succeed)."""
    start = time.perf_counter()
    response = client.get(path)
    assert response.status_code == 200, path
    return (time.perf_counter() - start) * 1000


def measure(client: TestClient, path: str, repeat: int) -> list[float]:
    """Milliseconds of ``repeat`` requests, after one warm-up request."""
    assert client.get(path).status_code == 200, path
    durations = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        durations.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, path
    return durations


def report(client: TestClient, who: str, repeat: int, days: int) -> None:
    """One line per page: the first request (indicators computed, as after the cache's few
    minutes), then p50, p95 and max of the following ones, and the page's size in bytes."""
    print(f"\n{who}")
    print(f"{'page':<48} {'1st ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'size':>9}")
    territory = who.startswith("departement")
    for path in TERRITORY_PAGES if territory else (*TERRITORY_PAGES[1:2], *pages(client, days)):
        first = timed_get(client, path)
        durations = sorted(measure(client, path, repeat))
        p50 = statistics.median(durations)
        p95 = durations[max(0, round(0.95 * len(durations)) - 1)]
        size = len(client.get(path).content)
        flag = "  > 300 ms" if p95 > BAR_MS else ""
        print(
            f"{path[:48]:<48} {first:8.0f} {p50:8.1f} {p95:8.1f} {durations[-1]:8.1f} "
            f"{size:9,}{flag}"
        )


@contextmanager
def database(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    with tempfile.TemporaryDirectory() as directory:
        yield f"sqlite:///{Path(directory) / 'bench.sqlite3'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7892)
    parser.add_argument("--days", type=int, default=60, help="days of hourly readings")
    parser.add_argument("--scale", type=float, default=1.0, help="of the simulated fleet")
    parser.add_argument("--database-url", default=None, help="an empty database (default: SQLite)")
    parser.add_argument(
        "--populated", action="store_true", help="the database was filled by an earlier run"
    )
    parser.add_argument(
        "--cold", action="store_true", help="no warming of the key figures (serve warms them)"
    )
    parser.add_argument(
        "--default-collector",
        action="store_true",
        help="Python's garbage-collector settings (serve tunes them, see collector.py)",
    )
    args = parser.parse_args()
    with database(args.database_url) as url:
        engine = make_engine(url)
        prepare_database(engine)
        if args.populated:
            emails = {r: f"{k}@banc.example.fr" for r, k in USERS.items()}
        else:
            start = time.perf_counter()
            emails = populate(engine, assets=args.assets, seed=args.seed)
            readings = simulate(engine, days=args.days, scale=args.scale, seed=args.seed)
            print(
                f"{engine.dialect.name}: {args.assets:,} imported assets and the simulated fleet "
                f"(scale {args.scale}) in {len(COMMUNES)} communes, {readings:,} readings over "
                f"{args.days} days, loaded in {time.perf_counter() - start:.1f} s"
            )
        print(f"{args.repeat} requests per page")
        settings = Settings(environment=Environment.test, secret_key=secrets.token_urlsafe(48))
        with TestClient(create_app(settings, engine=engine)) as client:
            if not args.default_collector:
                tune_collector()  # as `convergence serve` does once its app is built
            if not args.cold:
                # What `convergence serve` does in the background, before anyone asks.
                start = time.perf_counter()
                cache = client.app.state.convergence.page_cache  # type: ignore[attr-defined]
                warmed = warm_pages(engine, cache)
                took = time.perf_counter() - start
                print(f"{warmed} key figures and domain pages warmed in {took:.1f} s")
                if not args.default_collector:
                    freeze_long_lived()  # as serve does after the first round
            for role in ("operator_admin", "departement", "member_admin"):
                log_in(client, emails[role])
                report(client, f"{role} ({emails[role]})", args.repeat, args.days)
        engine.dispose()


if __name__ == "__main__":
    main()
