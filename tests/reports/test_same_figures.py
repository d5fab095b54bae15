"""The same figure for the same period reads the same on the page, the dashboard, the PDF and
the API, for each service line: each writes it through ``formatting.figure`` from the one
indicator service, with its completeness (« données insuffisantes (x %) » below its rule).

October 2026 is compared on the domain page, the monthly PDF and the API; the last complete
day (« hier ») on the dashboard card, the domain page and the API.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence import french_format as fr
from convergence.charging.alerting import charging_event, connection_event
from convergence.charging.kinds import ConnectionState, EventKind
from convergence.charging.ocpp.observations import ChargePointRef
from convergence.charging.status import PointStatus
from convergence.db.types import utcnow
from convergence.indicators.schemas import MeasureOut
from convergence.indicators.timewindows import local_day_of, local_wall_time
from convergence.members.roles import Role
from convergence.timeseries.store import NewEvent, NewReading, insert_events, store_readings
from tests.reports.planting import Sites, plant_commune
from tests.reports.test_report import pdf_text
from tests.support import Territory
from tests.web.pages_support import log_in_as

OCTOBER = date(2026, 10, 1)
VERSAILLES = "78646"


@dataclass(frozen=True)
class Line:
    """Where a line's figure is: its page, its API, how to pick it, its decimals."""

    name: str
    page: str
    pick: Callable[[dict[str, Any]], dict[str, Any]]
    decimals: int = 1
    on_dashboard: bool = False


def no2_mean(result: dict[str, Any]) -> dict[str, Any]:
    """The commune's NO2 mean over the period: the statistic of its annual limit value."""
    return next(
        t["statistic"]
        for t in result["communes"][0]["exceedances"]
        if (t["table"], t["pollutant"], t["averaging"]) == ("EU_2008_50", "no2", "year")
    )


LINES = [
    Line("lighting", "/eclairage", lambda r: r["communes"][0]["energy"], on_dashboard=True),
    Line("noise", "/bruit", lambda r: r["stations"][0]["period"]["lden"]),
    Line("water", "/eau", lambda r: r["stations"][0]["highest"], decimals=2),
    Line(
        "traffic",
        "/trafic",
        lambda r: next(a["value"] for a in r["stations"][0]["averages"] if a["name"] == "TMJ"),
        decimals=0,
    ),
    Line("air", "/air", no2_mean),
    Line(
        "charging",
        "/recharge",
        lambda r: r["communes"][0]["values"]["availability"],
    ),
]


def spaced(text: str) -> str:
    """Spaces of any kind as one space (as ``pdf_text`` writes them)."""
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


def plant_charging(engine: Engine, territory: Territory, sites: Sites, first: date) -> None:
    """The commune's charge point online, available, and occupied 2 hours every 6."""
    ref = ChargePointRef(sites.charging, territory.versailles.id, "CP-MAIRIE")
    start = local_wall_time(first, 0)
    events: list[NewEvent] = [connection_event(ref, ConnectionState.online, start, "connected")]
    now = utcnow()
    at = start
    while at < now:
        for offset, status in ((0, PointStatus.available), (4, PointStatus.occupied)):
            payload = {"connector_id": 1, "status": status.value, "point_status": status.value}
            ts = at + timedelta(hours=offset)
            events.append(charging_event(ref, EventKind.status, ts, payload, connector_id=1))
        at += timedelta(hours=6)
    with engine.begin() as conn:
        insert_events(conn, events)


@pytest.fixture
def planted(engine: Engine, territory: Territory) -> Sites:
    """Versailles from 1 October 2026 to now: hourly readings of every line, a charge point."""
    days = (local_day_of(utcnow()) - OCTOBER).days + 1
    sites = plant_commune(engine, territory.versailles, first=OCTOBER, days=days, until=utcnow())
    plant_charging(engine, territory, sites, OCTOBER)
    # The cabinet's index read before the month, so that October's first bound is bracketed.
    before = NewReading(
        sites.lighting, territory.versailles.id, "energy", "kWh",
        local_wall_time(OCTOBER, 0) - timedelta(minutes=30), 0.0,
    )  # fmt: skip
    with engine.begin() as conn:
        store_readings(conn, [before])
    return sites


def api_measure(
    client: TestClient, territory: Territory, line: Line, first: date, last: date
) -> MeasureOut:
    after = (last + timedelta(days=1)).isoformat()
    answer = client.get(
        f"/api/v1/indicators/{line.name}",
        params={"from": first.isoformat(), "to": after, "commune": VERSAILLES},
        headers=territory.versailles.bearer("read"),
    )
    assert answer.status_code == 200, answer.text
    measure = MeasureOut.model_validate(line.pick(answer.json()))
    assert measure.value is not None  # the comparison would be empty otherwise
    return measure


def api_figure(
    client: TestClient, territory: Territory, line: Line, first: date, last: date
) -> str:
    return spaced(fr.figure(api_measure(client, territory, line, first, last), line.decimals))


def page_text(client: TestClient, line: Line, first: date, last: date) -> str:
    params = {"du": first.isoformat(), "au": last.isoformat(), "commune": VERSAILLES}
    page = client.get(line.page, params=params)
    assert page.status_code == 200
    return spaced(page.text)


@pytest.mark.parametrize("line", LINES, ids=lambda line: line.name)
def test_the_month_reads_the_same_on_the_page_the_pdf_and_the_api(
    client: TestClient, territory: Territory, planted: Sites, line: Line
) -> None:
    last = date(2026, 10, 31)
    measure = api_measure(client, territory, line, OCTOBER, last)
    expected = spaced(fr.figure(measure, line.decimals))
    log_in_as(client, territory.versailles, Role.elected)
    page = page_text(client, line, OCTOBER, last)
    assert expected in page
    assert spaced(fr.completeness(measure)) in page  # the figure says what it rests on
    report = client.get("/rapports/2026-10.pdf", params={"commune": VERSAILLES})
    assert report.status_code == 200
    assert expected in pdf_text(report.content)


@pytest.mark.parametrize("line", [x for x in LINES if x.on_dashboard], ids=lambda x: x.name)
def test_the_last_complete_day_reads_the_same_on_the_dashboard_the_page_and_the_api(
    client: TestClient, territory: Territory, planted: Sites, line: Line
) -> None:
    # « Hier » is the last complete day: yesterday, unless its last hour is not in yet.
    today = local_day_of(utcnow())
    answer = client.get(
        f"/api/v1/indicators/{line.name}",
        params={"from": (today - timedelta(days=3)).isoformat(), "commune": VERSAILLES},
        headers=territory.versailles.bearer("read"),
    ).json()
    days = [d for d in answer["communes"][0]["days"] if date.fromisoformat(d["day"]) < today]
    last = max(
        (d for d in days if d["energy"]["publishable"]), key=lambda d: d["day"]
    )  # fmt: skip
    day = date.fromisoformat(last["day"])
    expected = api_figure(client, territory, line, day, day)
    assert expected == spaced(fr.figure(MeasureOut.model_validate(last["energy"])))
    log_in_as(client, territory.versailles, Role.elected)
    assert expected in page_text(client, line, day, day)
    dashboard = client.get("/tableau-de-bord", params={"commune": VERSAILLES})
    assert dashboard.status_code == 200
    card = spaced(dashboard.text)
    assert expected in card
    assert "données : 100 % des heures" in card


def test_a_figure_below_its_rule_is_never_a_headline() -> None:
    done = {"present": 8, "expected": 24, "ratio": 1 / 3, "required_ratio": 0.75,
            "complete": False, "basis": "heures"}  # fmt: skip
    measure = MeasureOut(value=263.0, unit="kWh", rule="r", completeness=done, publishable=False)
    assert fr.figure(measure) == "données insuffisantes (33\u202f%)"
    assert "263" not in fr.figure_with_completeness(measure)
    assert fr.completeness(measure) == "données : 33\u202f% des heures (règle : 75\u202f%)"


def test_the_now_is_after_october() -> None:
    # The planted month must be over for its PDF to be a whole month's.
    assert utcnow() > datetime(2026, 11, 1, tzinfo=UTC)


def test_the_month_in_progress_is_called_partial(
    client: TestClient, territory: Territory, planted: Sites
) -> None:
    log_in_as(client, territory.versailles, Role.elected)
    today = local_day_of(utcnow())
    current = client.get(f"/rapports/{today:%Y-%m}.pdf", params={"commune": VERSAILLES})
    assert current.status_code == 200
    assert "mois partiel" in pdf_text(current.content)
    october = client.get("/rapports/2026-10.pdf", params={"commune": VERSAILLES})
    assert "mois partiel" not in pdf_text(october.content)
