"""Members, users and API tokens."""

from __future__ import annotations

from fastapi import APIRouter, status

from convergence.alerts.defaults import install_default_rules
from convergence.members import queries, service, tokens
from convergence.members.schemas import (
    MemberCreate,
    MemberOut,
    MemberSettings,
    TokenCreate,
    TokenCreated,
    TokenOut,
    UserCreate,
    UserOut,
)
from convergence.members.scope import require_admin, require_operator, require_write
from convergence.web.api.pagination import Page, PageDep, paginate_sequence
from convergence.web.deps import EngineDep, ReadScope

router = APIRouter(tags=["members"])


@router.get("/members", response_model=Page[MemberOut])
def list_members(engine: EngineDep, scope: ReadScope, page: PageDep) -> Page[MemberOut]:
    """Members the caller may see: itself, and the communes sharing with it."""
    with engine.connect() as conn:
        found = queries.list_members(conn, scope=scope)
    return paginate_sequence(found, page, key=lambda m: m.id)


@router.post("/members", response_model=MemberOut, status_code=status.HTTP_201_CREATED)
def create_member(data: MemberCreate, engine: EngineDep, scope: ReadScope) -> MemberOut:
    """Create a member (operator administrators only)."""
    require_operator(scope)
    with engine.begin() as conn:
        member = service.create_member(conn, data=data, actor=scope.actor)
        # A new member starts with the default alert rules (air thresholds), which it can change.
        install_default_rules(conn, scope=scope, member_id=member.id)
        return member


@router.get("/members/{member_id}", response_model=MemberOut)
def get_member(member_id: int, engine: EngineDep, scope: ReadScope) -> MemberOut:
    with engine.connect() as conn:
        queries.require_visible_member(conn, scope=scope, member_id=member_id)
        return queries.get_member(conn, member_id=member_id)


@router.patch("/members/{member_id}", response_model=MemberOut)
def update_member(
    member_id: int, data: MemberSettings, engine: EngineDep, scope: ReadScope
) -> MemberOut:
    """Change the sharing level or the retention of a member."""
    with engine.begin() as conn:
        queries.require_visible_member(conn, scope=scope, member_id=member_id)
        return service.update_member_settings(conn, scope=scope, member_id=member_id, data=data)


@router.get("/members/{member_id}/users", response_model=Page[UserOut])
def list_users(member_id: int, engine: EngineDep, scope: ReadScope, page: PageDep) -> Page[UserOut]:
    require_admin(scope)
    with engine.connect() as conn:
        queries.require_visible_member(conn, scope=scope, member_id=member_id)
        require_write(scope, member_id)
        found = [u for u in queries.list_users(conn, scope=scope) if u.member_id == member_id]
    return paginate_sequence(found, page, key=lambda u: u.id)


@router.post("/members/{member_id}/users", response_model=UserOut, status_code=201)
def create_user(member_id: int, data: UserCreate, engine: EngineDep, scope: ReadScope) -> UserOut:
    """Create a user of a member the caller administers."""
    require_admin(scope)
    with engine.begin() as conn:
        queries.require_visible_member(conn, scope=scope, member_id=member_id)
        require_write(scope, member_id)
        return service.create_user(conn, member_id=member_id, data=data, actor=scope.actor)


@router.get("/tokens", response_model=Page[TokenOut])
def list_tokens(engine: EngineDep, scope: ReadScope, page: PageDep) -> Page[TokenOut]:
    require_admin(scope)
    with engine.connect() as conn:
        found = tokens.list_tokens(conn, scope=scope)
    return paginate_sequence(found, page, key=lambda t: t.id)


@router.post("/members/{member_id}/tokens", response_model=TokenCreated, status_code=201)
def create_token(
    member_id: int, data: TokenCreate, engine: EngineDep, scope: ReadScope
) -> TokenCreated:
    """Issue an API token; its secret is in this response only."""
    with engine.begin() as conn:
        queries.require_visible_member(conn, scope=scope, member_id=member_id)
        return tokens.create_token_scoped(conn, scope=scope, member_id=member_id, data=data)


@router.post("/tokens/{token_id}/revoke", response_model=TokenOut)
def revoke_token(token_id: int, engine: EngineDep, scope: ReadScope) -> TokenOut:
    require_admin(scope)
    with engine.begin() as conn:
        return tokens.revoke_token(conn, scope=scope, token_id=token_id)
