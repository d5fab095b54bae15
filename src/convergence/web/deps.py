"""FastAPI dependencies: the process's runtime, database, the caller's member scope."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from starlette.applications import Starlette

from convergence.errors import NotAuthenticated, PermissionDenied
from convergence.members.binding import scope_for_token, scope_for_user
from convergence.members.queries import get_user
from convergence.members.roles import TokenScope
from convergence.members.scope import MemberScope
from convergence.members.tokens import use_token
from convergence.runtime import Runtime
from convergence.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
bearer = HTTPBearer(auto_error=False, description="API token: `Authorization: Bearer cvg_…`")


def runtime_of(app: Starlette) -> Runtime:
    """The runtime ``create_app`` gave the application (the composition root's objects)."""
    runtime: Runtime = app.state.convergence
    return runtime


def get_runtime(request: Request) -> Runtime:
    return runtime_of(request.app)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_engine(runtime: RuntimeDep) -> Engine:
    return runtime.engine


def get_settings_dep(runtime: RuntimeDep) -> Settings:
    return runtime.settings


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


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
    with engine.begin() as conn:
        if credentials is not None:
            return scope_for_token(conn, token=use_token(conn, secret=credentials.credentials))
        user_id = request.session.get("user_id")
        if not isinstance(user_id, int):
            raise NotAuthenticated(
                "authentification requise / authentication required: send "
                "`Authorization: Bearer <token>` or log in at /connexion"
            )
        if request.method not in SAFE_METHODS:
            check_csrf(request, request.headers.get(CSRF_HEADER))
        user = get_user(conn, user_id=user_id)
        if not user.is_active:
            raise NotAuthenticated("compte désactivé / account disabled")
        return scope_for_user(conn, user=user)


ScopeDep = Annotated[MemberScope, Depends(current_scope)]


def reading_scope(scope: ScopeDep) -> MemberScope:
    """The scope, if it may read (an ingest-only token may not)."""
    if not scope.can_read:
        raise PermissionDenied("this token has no `read` scope")
    return scope


ReadScope = Annotated[MemberScope, Depends(reading_scope)]


def ingest_scope(scope: ScopeDep) -> MemberScope:
    """The scope, if it may send data (a token with the ``ingest`` scope)."""
    if TokenScope.ingest not in scope.token_scopes:
        raise PermissionDenied("sending data needs a token with the `ingest` scope")
    return scope


IngestScope = Annotated[MemberScope, Depends(ingest_scope)]
