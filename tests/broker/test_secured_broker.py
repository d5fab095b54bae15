"""The broker the platform secures: no anonymous access, each member under its own topics.

Everything runs as on a server: ``convergence broker config`` writes the configuration,
Mosquitto is started with it, ``convergence broker credentials issue`` gives Versailles a
login, and ``convergence ingest mqtt`` logs in with the account the configuration created.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from sqlalchemy import Engine, func, select

from convergence.broker import credentials
from convergence.broker.configuration import ADMIN_USERNAME
from convergence.broker.dynsec import BrokerAddress, connect
from convergence.ingest.schemas import IntegrationConfig, IntegrationCreate, IntegrationKind
from convergence.ingest.service import create_integration
from convergence.ingest.tables import dead_letters
from convergence.members.scope import command_line_scope
from convergence.members.tables import audit_log
from convergence.timeseries.tables import readings, series
from tests.broker.secured import (
    IngestWorker,
    Login,
    SecuredBroker,
    connect_code,
    convergence,
    issue_login,
    publish_as,
    secured_broker,
)
from tests.ingest.brokers import wait_until
from tests.ingest.conftest import Sensors
from tests.support import MEMBER_DATA, Territory

pytestmark = pytest.mark.mqtt
VERSAILLES = MEMBER_DATA["versailles"].siren
BOULOGNE = MEMBER_DATA["boulogne"].siren
T0 = datetime(2026, 11, 1, tzinfo=UTC)
BURST = 5_000
ACCEPTED = frozenset({"Success", "No matching subscribers"})


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecuredBroker]:
    """One secured broker for the module: its configuration is written once."""
    with secured_broker(tmp_path_factory.mktemp("broker")) as started:
        yield started


def _reading(siren: str, serial: str, ts: datetime, value: float) -> tuple[str, bytes]:
    body = {"ts": ts.isoformat(), "quantity": "laeq", "value": value}
    return f"convergence/{siren}/{serial}/up", json.dumps(body).encode()


def _stored(engine: Engine, member_id: int | None = None) -> int:
    query = select(func.count()).select_from(readings.join(series))
    if member_id is not None:
        query = query.where(series.c.member_id == member_id)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def _fresh(what: str) -> str:
    """A client id never used on this broker: an earlier test's offline session (which the
    broker keeps, queueing what is published since) is never resumed by another test."""
    return f"test-{what}-{secrets.token_hex(4)}"


def _until_listening(broker: SecuredBroker, login: Login, engine: Engine) -> None:
    """Until the worker has subscribed, a probe reading (a day before T0) is sent again."""
    probe = _reading(VERSAILLES, "SONO-01", T0 - timedelta(days=1), 30.0)
    wait_until(
        lambda: (
            publish_as(broker.device_port, login, [probe]) == ["Success"] and _stored(engine) == 1
        ),
        timeout=120,
        every=0.5,
    )


def test_anonymous_clients_wrong_passwords_and_revoked_logins_are_refused(
    engine: Engine, territory: Territory, broker: SecuredBroker, tmp_path: Path
) -> None:
    username, password = issue_login(broker, engine, "78646", f"gw-{engine.dialect.name}")
    for port in (broker.local_port, broker.device_port):
        assert connect_code(port, Login()) == "Not authorized"
        assert connect_code(port, Login(username, password + "x")) == "Not authorized"
        assert connect_code(port, Login("convergence-ingest", "guess")) == "Not authorized"
    assert connect_code(broker.device_port, Login(username, password)) == "Success"
    ingest = broker.settings
    login = Login(ingest["CONVERGENCE_MQTT_USERNAME"], ingest["CONVERGENCE_MQTT_PASSWORD"])
    assert connect_code(broker.local_port, login) == "Success"

    # A data directory of this test's own: `audit verify` anchors its checkpoint there.
    env = broker.environment(engine, CONVERGENCE_DATA_DIR=str(tmp_path / "data"))
    assert username in convergence(["broker", "credentials", "list"], env=env)
    convergence(["broker", "credentials", "revoke", username], env=env)
    assert connect_code(broker.device_port, Login(username, password)) == "Not authorized"
    convergence(["audit", "verify"], env=env)  # the chain holds with the new entries
    with engine.connect() as conn:
        entries = conn.execute(
            select(audit_log.c.action, audit_log.c.member_id, audit_log.c.target)
            .where(audit_log.c.action.like("broker.%"))
            .order_by(audit_log.c.id)
        ).all()
    assert [tuple(e) for e in entries] == [
        ("broker.credentials.issue", territory.versailles.id, f"mqtt:{username}"),
        ("broker.credentials.revoke", territory.versailles.id, f"mqtt:{username}"),
    ]


def test_a_member_login_cannot_publish_under_another_members_topics(
    engine: Engine, territory: Territory, sensors: Sensors, broker: SecuredBroker, tmp_path: Path
) -> None:
    username, password = issue_login(broker, engine, "78646", f"acl-{engine.dialect.name}")
    worker = IngestWorker(broker, engine, tmp_path / "ingest.log", client_id=_fresh("acl"))
    worker.start()
    answers = {}
    try:
        _until_listening(broker, Login(username, password), engine)
        for n, protocol in enumerate((mqtt.MQTTv5, mqtt.MQTTv311), start=1):
            # Boulogne's sonometer first, then Versailles' own: once the second is stored,
            # the first would have been too (one connection, one ordered stream).
            ts = T0 + timedelta(minutes=n)
            answers[protocol] = publish_as(
                broker.device_port,
                Login(username, password),
                [
                    _reading(BOULOGNE, "SONO-92", ts, 99.0),
                    _reading(VERSAILLES, "SONO-01", ts, 51.0),
                ],
                protocol=protocol,
            )
            wait_until(lambda n=n: _stored(engine, territory.versailles.id) == n + 1, timeout=60)
    finally:
        worker.stop()
    assert answers[mqtt.MQTTv5] == ["Not authorized", "Success"]
    # MQTT 3.1.1 has no way to say it: the broker acknowledges, then drops the message.
    assert answers[mqtt.MQTTv311] == ["Success", "Success"]
    assert _stored(engine, territory.boulogne.id) == 0
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(dead_letters)).scalar_one() == 0


def test_a_burst_queued_while_the_worker_is_away_is_stored_whole(
    engine: Engine, territory: Territory, sensors: Sensors, broker: SecuredBroker, tmp_path: Path
) -> None:
    """5,000 messages at QoS 1, the worker started after them (Mosquitto's default queue of
    1,000 per client would have dropped 4,000)."""
    username, password = issue_login(broker, engine, "78646", f"burst-{engine.dialect.name}")
    login = Login(username, password)
    client_id = _fresh("burst")
    worker = IngestWorker(broker, engine, tmp_path / "ingest.log", client_id=client_id)
    worker.start()  # once, so that its persistent session and subscription exist
    try:
        _until_listening(broker, login, engine)
    finally:
        worker.stop()
    burst = [
        _reading(VERSAILLES, "SONO-01", T0 + timedelta(seconds=i), 40 + i % 50)
        for i in range(BURST)
    ]
    answers = publish_as(broker.device_port, login, burst)
    assert answers == ["Success"] * BURST
    assert _stored(engine) == 1, "the worker was still running during the burst"
    worker.start()
    try:
        wait_until(lambda: _stored(engine) >= BURST + 1, timeout=300, every=0.5)
    finally:
        worker.stop()
    assert _stored(engine) == BURST + 1
    assert "session present: True" in (tmp_path / "ingest.log").read_text()


def _chirpstack(engine: Engine, member_id: int, application: str) -> None:
    data = IntegrationCreate(
        kind=IntegrationKind.chirpstack,
        name=f"ChirpStack {application}",
        member_id=member_id,
        config=IntegrationConfig(application_ids=[application]),
    )
    with engine.begin() as conn:
        create_integration(conn, scope=command_line_scope(), data=data)


def test_a_login_publishes_under_its_members_integrations_and_sync_follows_new_ones(
    engine: Engine, territory: Territory, broker: SecuredBroker
) -> None:
    ours, theirs, later = (str(uuid.uuid4()) for _ in range(3))
    _chirpstack(engine, territory.versailles.id, ours)
    _chirpstack(engine, territory.boulogne.id, theirs)
    admin = BrokerAddress(
        "127.0.0.1", broker.local_port, ADMIN_USERNAME,
        broker.settings["CONVERGENCE_BROKER_ADMIN_PASSWORD"],
    )  # fmt: skip
    scope = command_line_scope()
    with connect(admin) as dynsec, engine.begin() as conn:
        issued = credentials.issue(
            conn, dynsec, scope=scope, member_id=territory.versailles.id,
            label=f"cs-{engine.dialect.name}",
        )  # fmt: skip
    login = Login(issued.username, issued.password)

    def answers() -> list[str]:
        uplink = "application/{}/device/a81758fffe0312ab/event/up"
        topics = [uplink.format(app) for app in (ours, theirs, later)]
        codes = publish_as(broker.device_port, login, [(t, b"{}") for t in topics])
        # Nobody subscribes here: an accepted message is answered « no matching subscribers ».
        return ["accepted" if c in ACCEPTED else c for c in codes]

    assert answers() == ["accepted", "Not authorized", "Not authorized"]
    _chirpstack(engine, territory.versailles.id, later)
    with connect(admin) as dynsec, engine.begin() as conn:
        synced = credentials.sync_all(conn, dynsec, scope=scope)
    assert f"application/{later}/#" in synced[VERSAILLES]
    assert answers() == ["accepted", "Not authorized", "accepted"]
