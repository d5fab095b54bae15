"""Fixtures of the alert tests: SMTP and webhook peers, a water-level sensor, helpers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from convergence.alerts.config import AlertsConfig
from convergence.members.binding import scope_for_user
from convergence.members.queries import get_user
from convergence.members.roles import Role
from convergence.members.scope import MemberScope, command_line_scope
from convergence.members.tables import users
from convergence.registry import service
from convergence.registry.schemas import AssetCreate
from tests.alerts.servers import Mailbox, WebhookReceiver, smtp_server, webhook_receiver
from tests.support import BOULOGNE_TOWN_HALL, VERSAILLES_TOWN_HALL, MemberFixture, Territory

T0 = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    with smtp_server() as running:
        yield running


@pytest.fixture
def mailbox(smtp: tuple[Mailbox, int]) -> Mailbox:
    return smtp[0]


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    with webhook_receiver() as receiver:
        yield receiver


@pytest.fixture
def config(smtp: tuple[Mailbox, int]) -> AlertsConfig:
    return AlertsConfig(
        smtp_host="127.0.0.1",
        smtp_port=smtp[1],
        smtp_from="Convergence <alertes@convergence.test>",
        webhook_timeout_s=5,
        webhook_allowed_hosts=["127.0.0.1"],  # the test receiver is local
        alert_retry_base_s=30,
        alert_retry_max_attempts=3,
        public_url="https://convergence.test",
    )


def make_asset(engine: Engine, member: MemberFixture, *, name: str, domain: str) -> int:
    """An active sensor of ``member`` at its town hall."""
    lon, lat = VERSAILLES_TOWN_HALL if member.key == "versailles" else BOULOGNE_TOWN_HALL
    with engine.begin() as conn:
        asset = service.create_asset(
            conn,
            scope=command_line_scope(),
            data=AssetCreate(
                member_id=member.id,
                name=name,
                kind="sensor",
                domain=domain,
                status="active",
                lon=lon,
                lat=lat,
            ),
        )
    return asset.id


@pytest.fixture
def river_sensor(engine: Engine, territory: Territory) -> int:
    """A water-level sensor of Versailles on the ru de Gally."""
    return make_asset(engine, territory.versailles, name="Limnimètre ru de Gally", domain="water")


def user_scope(engine: Engine, member: MemberFixture, role: Role) -> MemberScope:
    """The scope of ``member``'s user with ``role`` (created on first use)."""
    email = member.user(role)
    with engine.connect() as conn:
        user_id = conn.execute(select(users.c.id).where(users.c.email == email)).scalar_one()
        return scope_for_user(conn, user=get_user(conn, user_id=user_id))
