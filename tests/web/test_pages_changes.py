"""« À décider »: the figures that changed most, the last 30 days against the 30 before."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence.db.types import utcnow
from convergence.indicators.timewindows import PARIS, local_day_of
from convergence.members.roles import Role
from convergence.timeseries.store import NewReading, store_readings
from tests.support import Territory
from tests.web.pages_support import add_asset, log_in_as


def daily(
    asset_id: int, member_id: int, quantity: str, unit: str, values: list[float]
) -> list[NewReading]:
    """One reading at noon (Paris) of each of the last ``len(values)`` days before today."""
    today = local_day_of(utcnow())
    found = []
    for back, value in enumerate(reversed(values), start=1):
        noon = datetime.combine(today - timedelta(days=back), time(12), tzinfo=PARIS)
        found.append(NewReading(asset_id, member_id, quantity, unit, noon, value))
    return found


def test_the_largest_monthly_changes_are_listed_in_words(
    client: TestClient, territory: Territory
) -> None:
    versailles = territory.versailles
    air = add_asset(client, versailles, "Station air")
    noise = add_asset(client, versailles, "Sonomètre", domain="noise")
    rows = [
        # PM10: 20 then 30 µg/m³ → +50 %.
        *daily(air["id"], versailles.id, "pm10", "µg/m³", [20.0] * 30 + [30.0] * 30),
        # LAeq: 60 then 63 dB(A) → +3 dB(A): twice the acoustic energy, the largest change.
        *daily(noise["id"], versailles.id, "laeq", "dB(A)", [60.0] * 30 + [63.0] * 30),
        # NO2 moved most (×4) but on 5 days only of the earlier period: not compared.
        *daily(air["id"], versailles.id, "no2", "µg/m³", [10.0] * 5 + [40.0] * 30),
        # Battery: what a device says about itself, not a figure of the commune.
        *daily(air["id"], versailles.id, "battery", "%", [100.0] * 30 + [10.0] * 30),
        # Temperature: 10 then 10.5 °C → +5 %, the smallest listed.
        *daily(air["id"], versailles.id, "temperature", "°C", [10.0] * 30 + [10.5] * 30),
    ]
    engine: Engine = client.app.state.convergence.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        store_readings(conn, rows)

    log_in_as(client, versailles, Role.elected)
    page = unescape(client.get("/tableau-de-bord").text)
    section = page[
        page.index('<h2 id="a-decider">') : page.index("</section>", page.index("a-decider"))
    ]
    assert "Ce qui a le plus changé" in section
    listed = [line.split("</li>")[0] for line in section.split("<li>")[1:]]
    assert listed == [
        "Versailles — Niveau sonore équivalent LAeq : 60 dB(A) → 63 dB(A) (+3,0 dB(A))",
        "Versailles — Particules PM10 : 20 µg/m³ → 30 µg/m³ (+50\u202f%)",
        "Versailles — Température de l'air : 10 °C → 10,5 °C (+5\u202f%)",
    ]

    log_in_as(client, territory.boulogne, Role.elected)
    assert "Ce qui a le plus changé" not in client.get("/tableau-de-bord").text
