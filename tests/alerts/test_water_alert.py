"""A rising river fires one alert, one e-mail, one signed webhook; hysteresis resolves it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, func, select

from convergence.alerts.config import AlertsConfig
from convergence.alerts.kinds import AlertStatus, Cadence, Channel
from convergence.alerts.queries import get_alert, list_alerts
from convergence.alerts.react import react
from convergence.alerts.schemas import SubscriptionCreate
from convergence.alerts.service import acknowledge_alert
from convergence.alerts.signing import verify_signature
from convergence.alerts.subscriptions import create_subscription
from convergence.alerts.tables import alerts
from convergence.members.roles import Role
from convergence.timeseries.store import NewReading, store_readings
from tests.alerts.conftest import MINUTE, T0, user_scope
from tests.alerts.flow import ingest, rule, send
from tests.alerts.servers import Mailbox, WebhookReceiver
from tests.support import Territory

ORANGE = 3.20


def test_orange_threshold_fires_once_notifies_and_resolves_with_hysteresis(
    engine: Engine,
    territory: Territory,
    river_sensor: int,
    config: AlertsConfig,
    mailbox: Mailbox,
    webhook: WebhookReceiver,
) -> None:
    technician = user_scope(engine, territory.versailles, Role.technician)
    rule(
        engine,
        technician,
        name="Crue du ru de Gally — vigilance orange",
        target_kind="asset",
        asset_id=river_sensor,
        severity="critical",
        params={"kind": "threshold", "quantity": "water_level", "limit": ORANGE,
                "hysteresis": 0.10},
    )  # fmt: skip
    with engine.begin() as conn:
        create_subscription(conn, scope=technician, data=SubscriptionCreate(channel=Channel.email))
        hook = create_subscription(
            conn,
            scope=technician,
            data=SubscriptionCreate(channel=Channel.webhook, webhook_url=webhook.url),
        )
    assert hook.webhook_secret
    member = territory.versailles.id

    def river(minutes: int, *levels: float) -> None:
        at = T0 + minutes * MINUTE
        points = [(at - (len(levels) - 1 - i) * 5 * MINUTE, v) for i, v in enumerate(levels)]
        ingest(engine, asset_id=river_sensor, member_id=member, points=points, now=at)
        send(engine, config, at)

    river(0, 2.90, 3.00)
    assert mailbox.messages == []
    assert webhook.requests == []

    river(10, 3.10, 3.25)  # this batch crosses orange
    with engine.connect() as conn:
        [alert] = list_alerts(conn, scope=technician)
    assert alert.status is AlertStatus.firing
    assert alert.value == 3.25
    assert alert.trigger_ts == T0 + 10 * MINUTE
    [mail] = mailbox.messages
    assert mail["To"] == territory.versailles.users[Role.technician]
    assert "Alerte critique" in str(mail["Subject"])
    assert "Limnimètre" in str(mail["Subject"])
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Hauteur d'eau : 3,25 m, au-dessus de 3,2 m" in text
    assert "Versailles (78646)" in text
    assert f"https://convergence.test/alertes/{alert.id}" in text
    assert "<table>" in html
    assert "Versailles (78646)" in html
    [request] = webhook.requests
    assert verify_signature(
        hook.webhook_secret, request.body, request.headers, now=T0 + 10 * MINUTE
    )
    assert not verify_signature("whsec_other", request.body, request.headers, now=T0 + 10 * MINUTE)
    payload = json.loads(request.body)
    assert payload["type"] == "alert.fired"
    assert payload["alert"]["id"] == alert.id

    river(20, 3.40, 3.45)  # still above: no second alert, no new message
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(alerts)).scalar_one() == 1
    assert len(mailbox.messages) == 1
    assert len(webhook.requests) == 1

    with engine.begin() as conn:
        acked = acknowledge_alert(
            conn, scope=technician, alert_id=alert.id, note="équipe sur place", now=T0 + 25 * MINUTE
        )
    assert acked.status is AlertStatus.acknowledged

    river(30, 3.15)  # below orange but within the hysteresis margin: stays open
    with engine.connect() as conn:
        assert (
            get_alert(conn, scope=technician, alert_id=alert.id).status is AlertStatus.acknowledged
        )

    river(40, 3.05)  # below orange − 0.10: resolved automatically
    with engine.connect() as conn:
        resolved = get_alert(conn, scope=technician, alert_id=alert.id)
    assert resolved.status is AlertStatus.resolved
    assert resolved.resolved_by == "system"
    assert [e.action for e in resolved.history] == ["fired", "acknowledged", "resolved"]
    assert len(mailbox.messages) == 2
    assert "Fin d'alerte" in str(mailbox.messages[1]["Subject"])
    assert json.loads(webhook.requests[1].body)["type"] == "alert.resolved"


def test_flapping_is_suppressed_by_the_cool_down(
    engine: Engine, territory: Territory, river_sensor: int
) -> None:
    technician = user_scope(engine, territory.versailles, Role.technician)
    rule(
        engine,
        technician,
        name="Seuil orange",
        target_kind="asset",
        asset_id=river_sensor,
        cooldown_s=900,
        params={"kind": "threshold", "quantity": "water_level", "limit": ORANGE},
    )
    member = territory.versailles.id

    def level(minutes: int, value: float) -> list[int]:
        at = T0 + minutes * MINUTE
        outcome = ingest(engine, asset_id=river_sensor, member_id=member, points=[(at, value)],
                         now=at)  # fmt: skip
        return outcome.fired

    assert level(0, 3.30)
    assert not level(5, 3.35)  # open already
    assert not level(6, 3.00)  # resolved
    assert not level(10, 3.30)  # within 15 min of the resolution: suppressed
    assert level(22, 3.31)  # cool-down over, condition still true: fires again


def test_minimum_duration_waits_for_the_condition_to_hold(
    engine: Engine, territory: Territory, river_sensor: int
) -> None:
    technician = user_scope(engine, territory.versailles, Role.technician)
    rule(
        engine,
        technician,
        name="Orange depuis 20 min",
        target_kind="domain",
        domain="water",
        params={"kind": "threshold", "quantity": "water_level", "limit": ORANGE,
                "min_duration_s": 1200},
    )  # fmt: skip
    member = territory.versailles.id
    fired = []
    for minutes, value in [(0, 3.1), (10, 3.3), (20, 3.4), (25, 3.1), (30, 3.3), (50, 3.3)]:
        at = T0 + minutes * MINUTE
        outcome = ingest(engine, asset_id=river_sensor, member_id=member, points=[(at, value)],
                         now=at)  # fmt: skip
        fired += [(minutes, a) for a in outcome.fired]
    assert [m for m, _ in fired] == [50]  # held from 30 to 50; the run from 10 broke at 25
    with engine.connect() as conn:
        assert conn.execute(select(alerts.c.details)).scalar_one()["held_s"] == 1200
    assert Cadence.immediate  # the default cadence of the subscriptions above


def test_the_react_stage_fires_on_a_committed_batch_and_sends_at_once(
    engine: Engine,
    territory: Territory,
    river_sensor: int,
    config: AlertsConfig,
    mailbox: Mailbox,
) -> None:
    technician = user_scope(engine, territory.versailles, Role.technician)
    rule(
        engine,
        technician,
        name="Seuil orange",
        target_kind="asset",
        asset_id=river_sensor,
        params={"kind": "threshold", "quantity": "water_level", "limit": ORANGE},
    )
    with engine.begin() as conn:
        create_subscription(conn, scope=technician, data=SubscriptionCreate(channel=Channel.email))
        result = store_readings(
            conn, [NewReading(river_sensor, territory.versailles.id, "water_level", "m", T0, 3.3)]
        )
    outcome = react(engine, stored=result.inserted, config=config, now=T0)
    assert len(outcome.fired) == 1
    assert len(mailbox.messages) == 1
    assert react(engine, stored=result.inserted, config=config, now=T0).fired == []


def test_a_fast_rise_fires_a_rate_alert_once_the_window_is_covered(
    engine: Engine, territory: Territory, river_sensor: int
) -> None:
    technician = user_scope(engine, territory.versailles, Role.technician)
    rule(
        engine,
        technician,
        name="Montée rapide ≥ 5 cm/h",
        target_kind="asset",
        asset_id=river_sensor,
        params={"kind": "rate", "quantity": "water_level", "rate_per_hour": 0.05,
                "window_s": 3600, "hysteresis": 0.02},
    )  # fmt: skip
    member = territory.versailles.id
    fired, resolved = [], []
    # +2 cm every 10 min (12 cm/h) for an hour and a half, then flat.
    levels = [(m, 1.0 + 0.02 * min(m, 90) / 10) for m in range(0, 200, 10)]
    for minutes, level in levels:
        at = T0 + minutes * MINUTE
        outcome = ingest(engine, asset_id=river_sensor, member_id=member, points=[(at, level)],
                         now=at)  # fmt: skip
        fired += [minutes] * len(outcome.fired)
        resolved += [minutes] * len(outcome.resolved)
    assert fired == [30]  # the first time readings span half of the one-hour window
    assert len(resolved) == 1
    assert resolved[0] > 90
    with engine.connect() as conn:
        [alert] = list_alerts(conn, scope=technician)
    assert alert.value == pytest.approx(0.12)
    assert "par heure" in alert.message
