"""Subscriptions: filters by rule, domain and severity; no subscribing to another member."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from convergence.alerts.kinds import Channel, Severity
from convergence.alerts.queries import list_deliveries
from convergence.alerts.schemas import SubscriptionCreate
from convergence.alerts.subscriptions import create_subscription, delete_subscription
from convergence.errors import NotFound, PermissionDenied
from convergence.members.roles import Role
from convergence.registry.kinds import Domain
from tests.alerts.conftest import T0, user_scope
from tests.alerts.flow import ingest, rule
from tests.support import Territory


def test_only_matching_subscriptions_receive_a_delivery(
    engine: Engine, territory: Territory, river_sensor: int
) -> None:
    technician = user_scope(engine, territory.versailles, Role.technician)
    elected = user_scope(engine, territory.versailles, Role.elected)
    viewer = user_scope(engine, territory.versailles, Role.viewer)
    rule_id = rule(
        engine,
        technician,
        name="Seuil",
        target_kind="asset",
        asset_id=river_sensor,
        severity="warning",
        params={"kind": "threshold", "quantity": "water_level", "limit": 3.0},
    )
    with engine.begin() as conn:
        wanted = [
            SubscriptionCreate(channel=Channel.email, rule_id=rule_id),
            SubscriptionCreate(channel=Channel.email, domain=Domain.water, commune_insee="78646"),
        ]
        for data, scope in zip(wanted, (technician, elected), strict=True):
            create_subscription(conn, scope=scope, data=data)
        for data in (
            SubscriptionCreate(channel=Channel.email, min_severity=Severity.critical),
            SubscriptionCreate(channel=Channel.email, domain=Domain.air),
        ):
            create_subscription(conn, scope=viewer, data=data)
    ingest(engine, asset_id=river_sensor, member_id=territory.versailles.id,
           points=[(T0, 3.5)], now=T0)  # fmt: skip
    with engine.connect() as conn:
        recipients = sorted(d.recipient for d in list_deliveries(conn, scope=technician))
    assert recipients == sorted(
        [territory.versailles.users[Role.technician], territory.versailles.users[Role.elected]]
    )


def test_nobody_subscribes_to_another_members_alerts(
    engine: Engine, territory: Territory, river_sensor: int
) -> None:
    versailles = user_scope(engine, territory.versailles, Role.technician)
    rule_id = rule(
        engine,
        versailles,
        name="Seuil",
        target_kind="asset",
        asset_id=river_sensor,
        params={"kind": "threshold", "quantity": "water_level", "limit": 3.0},
    )
    boulogne = user_scope(engine, territory.boulogne, Role.member_admin)
    with engine.begin() as conn, pytest.raises(NotFound):
        create_subscription(
            conn, scope=boulogne, data=SubscriptionCreate(channel=Channel.email, rule_id=rule_id)
        )
    with engine.begin() as conn, pytest.raises(NotFound):
        create_subscription(
            conn,
            scope=boulogne,
            data=SubscriptionCreate(channel=Channel.email, member_id=territory.versailles.id),
        )
    with engine.begin() as conn:
        own = create_subscription(
            conn, scope=versailles, data=SubscriptionCreate(channel=Channel.email)
        )
    viewer = user_scope(engine, territory.versailles, Role.viewer)
    with engine.begin() as conn, pytest.raises(PermissionDenied):
        delete_subscription(conn, scope=viewer, subscription_id=own.id)
    with engine.begin() as conn:
        delete_subscription(conn, scope=versailles, subscription_id=own.id)
