"""Alert rules, alerts, subscriptions, deliveries and the daily digest."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, status
from fastapi.responses import Response
from pydantic import BaseModel

from convergence.alerts import digest, queries, service, subscriptions
from convergence.alerts.config import config_from_settings
from convergence.alerts.delivery import send_pending
from convergence.alerts.kinds import AlertStatus, DeliveryStatus, RuleKind
from convergence.alerts.schemas import (
    AlertNote,
    AlertOut,
    DeliveryOut,
    RuleCreate,
    RuleOut,
    RuleUpdate,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionOut,
)
from convergence.web.api.pagination import Page, PageDep, paginate
from convergence.web.deps import EngineDep, ReadScope, SettingsDep

router = APIRouter(tags=["alerts"])


@router.get("/alert-rules", response_model=Page[RuleOut])
def list_rules(
    engine: EngineDep, scope: ReadScope, page: PageDep, kind: RuleKind | None = None
) -> Page[RuleOut]:
    """Alert rules of the members the caller reads, oldest first."""
    with engine.connect() as conn:
        statement = queries.select_rules(scope=scope, kind=kind)
        return paginate(conn, statement, page, to_item=queries.rule_out)


@router.post("/alert-rules", response_model=RuleOut, status_code=status.HTTP_201_CREATED)
def create_rule(data: RuleCreate, engine: EngineDep, scope: ReadScope) -> RuleOut:
    """Create a rule (technicians and administrators; the operator for any member)."""
    with engine.begin() as conn:
        return service.create_rule(conn, scope=scope, data=data)


@router.get("/alert-rules/{rule_id}", response_model=RuleOut)
def get_rule(rule_id: int, engine: EngineDep, scope: ReadScope) -> RuleOut:
    with engine.connect() as conn:
        return queries.get_rule(conn, scope=scope, rule_id=rule_id)


@router.patch("/alert-rules/{rule_id}", response_model=RuleOut)
def update_rule(rule_id: int, data: RuleUpdate, engine: EngineDep, scope: ReadScope) -> RuleOut:
    with engine.begin() as conn:
        return service.update_rule(conn, scope=scope, rule_id=rule_id, data=data)


@router.delete("/alert-rules/{rule_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_rule(rule_id: int, engine: EngineDep, scope: ReadScope) -> Response:
    with engine.begin() as conn:
        service.delete_rule(conn, scope=scope, rule_id=rule_id)
    return Response(status_code=204)


@router.get("/alerts", response_model=Page[AlertOut])
def list_alerts(
    engine: EngineDep,
    scope: ReadScope,
    page: PageDep,
    status_: AlertStatus | None = Query(default=None, alias="status"),
    open_only: bool = Query(default=False, alias="open"),
    commune: str | None = None,
) -> Page[AlertOut]:
    """Alerts, newest first; `open=true` for those firing or acknowledged."""
    with engine.connect() as conn:
        statement = queries.select_alerts(
            scope=scope, status=status_, open_only=open_only, commune_insee=commune
        )
        return paginate(conn, statement, page, to_item=queries.alert_out, newest_first=True)


@router.get("/alerts/{alert_id}", response_model=AlertOut)
def get_alert(alert_id: int, engine: EngineDep, scope: ReadScope) -> AlertOut:
    """One alert with its history."""
    with engine.connect() as conn:
        return queries.get_alert(conn, scope=scope, alert_id=alert_id)


@router.post("/alerts/{alert_id}/acknowledge", response_model=AlertOut)
def acknowledge(
    alert_id: int, engine: EngineDep, scope: ReadScope, data: AlertNote | None = None
) -> AlertOut:
    """Take a firing alert in hand; it resolves by itself once the condition clears."""
    note = data.note if data else ""
    with engine.begin() as conn:
        return service.acknowledge_alert(conn, scope=scope, alert_id=alert_id, note=note)


@router.post("/alerts/{alert_id}/resolve", response_model=AlertOut)
def resolve(
    alert_id: int, engine: EngineDep, scope: ReadScope, data: AlertNote | None = None
) -> AlertOut:
    """Close an alert by hand; the rule's cool-down applies before it may fire again."""
    note = data.note if data else ""
    with engine.begin() as conn:
        return service.resolve_alert(conn, scope=scope, alert_id=alert_id, note=note)


class DigestOut(BaseModel):
    member_id: int
    day: date
    subject: str
    text: str


@router.get("/alert-digest", response_model=DigestOut)
def get_digest(
    engine: EngineDep, scope: ReadScope, day: date, member_id: int | None = None
) -> DigestOut:
    """The daily digest of a member (Paris day), as sent to its elected officials."""
    with engine.connect() as conn:
        built = digest.build_digest(conn, scope=scope, member_id=member_id, day=day)
    return DigestOut(
        member_id=built.member_id, day=day, subject=digest.digest_subject(built),
        text=digest.digest_text(built),
    )  # fmt: skip


@router.get("/alert-subscriptions", response_model=Page[SubscriptionOut])
def list_subscriptions(engine: EngineDep, scope: ReadScope, page: PageDep) -> Page[SubscriptionOut]:
    with engine.connect() as conn:
        statement = queries.select_subscriptions(scope=scope)
        return paginate(conn, statement, page, to_item=queries.subscription_out)


@router.post(
    "/alert-subscriptions", response_model=SubscriptionCreated, status_code=status.HTTP_201_CREATED
)
def create_subscription(
    data: SubscriptionCreate, engine: EngineDep, scope: ReadScope, settings: SettingsDep
) -> SubscriptionCreated:
    """Subscribe by e-mail or webhook; a webhook's signing secret is shown here, once."""
    with engine.begin() as conn:
        return subscriptions.create_subscription(
            conn, scope=scope, data=data, allowed_hosts=settings.webhook_allowed_hosts
        )


@router.delete("/alert-subscriptions/{subscription_id}", status_code=204)
def delete_subscription(subscription_id: int, engine: EngineDep, scope: ReadScope) -> Response:
    with engine.begin() as conn:
        subscriptions.delete_subscription(conn, scope=scope, subscription_id=subscription_id)
    return Response(status_code=204)


@router.get("/alert-deliveries", response_model=Page[DeliveryOut])
def list_deliveries(
    engine: EngineDep,
    scope: ReadScope,
    page: PageDep,
    status_: DeliveryStatus | None = Query(default=None, alias="status"),
    alert_id: int | None = None,
) -> Page[DeliveryOut]:
    """Notifications sent or to send, newest first; `status=failed` lists those that gave up."""
    with engine.connect() as conn:
        statement = queries.select_deliveries(scope=scope, status=status_, alert_id=alert_id)
        return paginate(conn, statement, page, to_item=queries.delivery_out, newest_first=True)


@router.get("/alert-deliveries/{delivery_id}", response_model=DeliveryOut)
def get_delivery(delivery_id: int, engine: EngineDep, scope: ReadScope) -> DeliveryOut:
    """One delivery with every attempt and its outcome."""
    with engine.connect() as conn:
        return queries.get_delivery(conn, scope=scope, delivery_id=delivery_id)


@router.post("/alert-deliveries/{delivery_id}/retry", response_model=DeliveryOut)
def retry_delivery(
    delivery_id: int, engine: EngineDep, scope: ReadScope, settings: SettingsDep
) -> DeliveryOut:
    """Queue a failed delivery again and attempt it at once."""
    with engine.begin() as conn:
        subscriptions.requeue_delivery(conn, scope=scope, delivery_id=delivery_id)
    send_pending(engine, config=config_from_settings(settings), only=[delivery_id])
    with engine.connect() as conn:
        return queries.get_delivery(conn, scope=scope, delivery_id=delivery_id)
