"""FastAPI dependencies: the process's runtime, database, the caller's member scope."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection, Engine
from starlette.applications import Starlette

from convergence.db.types import utcnow
from convergence.errors import NotAuthenticated, PermissionDenied
from convergence.members.binding import scope_for_token, scope_for_user
from convergence.members.login_sessions import session_user
from convergence.members.roles import TokenScope
from convergence.members.schemas import UserOut
from convergence.members.scope import MemberScope
from convergence.members.tokens import find_token, record_use, use_is_due
from convergence.runtime import Runtime
from convergence.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
bearer = HTTPBearer(auto_error=False, description="API token: `Authorization: Bearer cvg_…`")


def runtime_of(app: Starlette) -> Runtime:
    """The runtime ``create_app`` gave the application (the composition root's objects)."""
    runtime: Runtime = app.state.convergence
    return runtime


# Dependencies that do no I/O are ``async def``: FastAPI runs a plain ``def`` dependency in
# its thread pool, a hand-off that costs more than the function itself on every request.
async def get_runtime(request: Request) -> Runtime:
    return runtime_of(request.app)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_engine(runtime: RuntimeDep) -> Engine:
    return runtime.engine


async def get_settings_dep(runtime: RuntimeDep) -> Settings:
    return runtime.settings


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


SESSION_SECRET_KEY = "sid"
_NOBODY = object()


def signed_in_user(request: Request, conn: Connection | None = None) -> UserOut | None:
    """The person of the request's login session, if it is live (looked up once per request).

    The cookie holds only the session's random secret; the server says whether it is still
    valid (``members/login_sessions.py``), so logging out and a new password end it.
    """
    cached = getattr(request.state, "signed_in", _NOBODY)
    if cached is not _NOBODY:
        return cast("UserOut | None", cached)
    secret = request.session.get(SESSION_SECRET_KEY)
    user = None
    if isinstance(secret, str):
        if conn is None:
            with runtime_of(request.app).engine.connect() as own:
                user = session_user(own, secret=secret, now=utcnow())
        else:
            user = session_user(conn, secret=secret, now=utcnow())
    request.state.signed_in = user
    return user


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    """PermissionDenied unless ``submitted`` is the session's CSRF token."""
    expected = request.session.get("csrf")
    if not (isinstance(expected, str) and submitted and hmac.compare_digest(expected, submitted)):
        raise PermissionDenied(
            "jeton CSRF manquant ou invalide : rechargez la page / missing or invalid CSRF token"
        )


def current_scope(request: Request, engine: EngineDep, credentials: BearerDep) -> MemberScope:
    """The scope of the caller: an API token, else the logged-in user; 401 otherwise."""
    if credentials is not None:
        return _token_scope(engine, credentials.credentials)
    with engine.begin() as conn:
        user = signed_in_user(request, conn)
        if user is None:
            raise NotAuthenticated(
                "authentification requise / authentication required: send "
                "`Authorization: Bearer <token>` or log in at /connexion"
            )
        if request.method not in SAFE_METHODS:
            check_csrf(request, request.headers.get(CSRF_HEADER))
        return scope_for_user(conn, user=user)


def _token_scope(engine: Engine, secret: str) -> MemberScope:
    # Read beside the writers: a token's use is written (once a minute) in its own transaction,
    # so that every ingest request does not queue for the write lock only to authenticate.
    with engine.connect() as conn:
        token = find_token(conn, secret=secret)
        scope = scope_for_token(conn, token=token)
    if use_is_due(token):
        with engine.begin() as conn:
            record_use(conn, token=token)
    return scope


ScopeDep = Annotated[MemberScope, Depends(current_scope)]


async def reading_scope(scope: ScopeDep) -> MemberScope:
    """The scope, if it may read (an ingest-only token may not)."""
    if not scope.can_read:
        raise PermissionDenied("this token has no `read` scope")
    return scope


ReadScope = Annotated[MemberScope, Depends(reading_scope)]


async def ingest_scope(scope: ScopeDep) -> MemberScope:
    """The scope, if it may send data (a token with the ``ingest`` scope)."""
    if TokenScope.ingest not in scope.token_scopes:
        raise PermissionDenied("sending data needs a token with the `ingest` scope")
    return scope


IngestScope = Annotated[MemberScope, Depends(ingest_scope)]
