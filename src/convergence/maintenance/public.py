"""Reports by the public: the QR code on a charger leads to a form, no account needed.

The QR code carries a signed token naming the asset (the secret key signs it), so nobody can
walk through asset ids; a report opens or adds to the asset's « signalement » ticket. It is
bounded: a short text, and at most ``PER_ASSET_PER_DAY`` public reports per asset a day (the
web form also throttles each client).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Connection, func, select

from convergence.errors import NotFound, RateLimited
from convergence.maintenance.kinds import Origin, Problem
from convergence.maintenance.tables import ticket_events, tickets
from convergence.maintenance.tickets import Fault, Opened, open_or_update
from convergence.members.scope import MemberScope, member_clause
from convergence.registry.tables import assets

UNSCOPED_REASON = "the public form: the signed token names the one asset it may report on"

SALT = "maintenance-public-report"
PUBLIC_ACTOR = "public"
PER_ASSET_PER_DAY = 20
MAX_TEXT = 1000


def check_readable_asset(conn: Connection, *, scope: MemberScope, asset_id: int) -> None:
    """NotFound unless the caller reads the asset (before giving its QR address)."""
    found = conn.execute(
        select(assets.c.id).where(assets.c.id == asset_id, member_clause(scope, assets.c.member_id))
    ).first()
    if found is None:
        raise NotFound(f"équipement {asset_id} introuvable / asset {asset_id} not found")


def report_token(secret: str, asset_id: int) -> str:
    """The token the QR code of an asset carries."""
    return URLSafeSerializer(secret, salt=SALT).dumps(asset_id)


def asset_of(conn: Connection, *, secret: str, token: str) -> tuple[int, int, str]:
    """(asset id, member id, name) of a valid token; NotFound for anything else."""
    try:
        asset_id = URLSafeSerializer(secret, salt=SALT).loads(token)
    except BadSignature:
        raise NotFound("ce QR code n'est pas reconnu / unknown QR code") from None
    row = conn.execute(
        select(assets.c.id, assets.c.member_id, assets.c.name).where(assets.c.id == asset_id)
    ).first()
    if row is None:
        raise NotFound("cet équipement n'existe plus / this equipment no longer exists")
    return int(row.id), int(row.member_id), str(row.name)


def report_by_public(
    conn: Connection,
    *,
    secret: str,
    token: str,
    text: str,
    now: datetime,
    reopen_window: timedelta,
) -> Opened:
    """Open or add to the asset's public-report ticket; RateLimited past the daily bound."""
    asset_id, member_id, name = asset_of(conn, secret=secret, token=token)
    today = conn.execute(
        select(func.count())
        .select_from(ticket_events.join(tickets, tickets.c.id == ticket_events.c.ticket_id))
        .where(
            tickets.c.asset_id == asset_id,
            ticket_events.c.actor == PUBLIC_ACTOR,
            ticket_events.c.ts > now - timedelta(days=1),
        )
    ).scalar_one()
    if today >= PER_ASSET_PER_DAY:
        raise RateLimited(
            "cet équipement a déjà reçu beaucoup de signalements aujourd'hui : il est connu, "
            "merci / this equipment was reported many times today"
        )
    fault = Fault(
        asset_id=asset_id, member_id=member_id, problem=Problem.reported, ts=now,
        title=f"Signalement d'un usager — {name}", description=text.strip()[:MAX_TEXT],
        origin=Origin.public, actor=PUBLIC_ACTOR,
    )  # fmt: skip
    return open_or_update(conn, fault=fault, reopen_window=reopen_window)
