"""The member scope: which members' rows a caller may read and write. It fails closed.

Every query of member-owned data takes a scope and filters through ``member_clause``; a
missing scope raises ``ScopeMissing`` instead of returning everything. The operator's view of
all members is a scope built by ``operator_scope`` — grep for ``sees_all_members``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, false, true

from convergence.errors import PermissionDenied, ScopeMissing
from convergence.members.roles import ADMIN_ROLES, WRITER_ROLES, Role, TokenScope


@dataclass(frozen=True, slots=True)
class MemberScope:
    """What one caller may see and do, bound from a user session or an API token."""

    member_id: int
    actor: str
    role: Role | None = None
    token_scopes: frozenset[TokenScope] = frozenset()
    # Members whose rows this caller reads in full: itself, plus communes that granted "full".
    full_member_ids: frozenset[int] = frozenset()
    # Members whose aggregates (indicators, rollups) this caller reads.
    aggregate_member_ids: frozenset[int] = frozenset()
    sees_all_members: bool = False
    integration_id: int | None = field(default=None)

    @property
    def is_token(self) -> bool:
        return self.role is None

    @property
    def can_write(self) -> bool:
        """True for writer roles, and for tokens with the ``admin`` scope."""
        if self.is_token:
            return TokenScope.admin in self.token_scopes
        return self.role in WRITER_ROLES

    @property
    def can_administer(self) -> bool:
        if self.is_token:
            return TokenScope.admin in self.token_scopes
        return self.role in ADMIN_ROLES

    @property
    def can_read(self) -> bool:
        if self.is_token:
            return bool(self.token_scopes & {TokenScope.read, TokenScope.admin})
        return self.role is not Role.contractor  # see maintenance.access for what it reads

    @property
    def is_contractor(self) -> bool:
        return self.role is Role.contractor

    @property
    def is_operator_admin(self) -> bool:
        return self.sees_all_members


def require_scope(scope: MemberScope | None) -> MemberScope:
    """The scope itself; raises when a member-owned query was about to run without one."""
    if not isinstance(scope, MemberScope):
        raise ScopeMissing("a query of member-owned data ran without a member scope")
    return scope


def member_clause(
    scope: MemberScope | None, column: ColumnElement[int], *, aggregates: bool = False
) -> ColumnElement[bool]:
    """SQL condition restricting ``column`` (a member id) to what ``scope`` may read."""
    scope = require_scope(scope)
    if not scope.can_read:
        return false()
    if scope.sees_all_members:
        return true()
    allowed = scope.full_member_ids | ({scope.member_id})
    if aggregates:
        allowed |= scope.aggregate_member_ids
    return column.in_(sorted(allowed))


def writable_member_ids(scope: MemberScope | None) -> frozenset[int] | None:
    """Members whose rows the caller may change; None means every member (operator admin)."""
    scope = require_scope(scope)
    if not scope.can_write:
        return frozenset()
    return None if scope.sees_all_members else frozenset({scope.member_id})


def require_write(scope: MemberScope | None, member_id: int) -> MemberScope:
    """The scope, if it may change rows of ``member_id``; PermissionDenied otherwise."""
    scope = require_scope(scope)
    allowed = writable_member_ids(scope)
    if allowed is not None and member_id not in allowed:
        raise PermissionDenied(
            "votre rôle ne permet pas de modifier ces données / your role cannot change this data"
        )
    return scope


def require_admin(scope: MemberScope | None) -> MemberScope:
    """The scope, if it administers its member; PermissionDenied otherwise."""
    scope = require_scope(scope)
    if not scope.can_administer:
        raise PermissionDenied(
            "réservé aux administrateurs / administrators only (role member_admin or "
            "operator_admin, or a token with the admin scope)"
        )
    return scope


def require_operator(scope: MemberScope | None) -> MemberScope:
    """The scope, if it is the operator's administrator; PermissionDenied otherwise."""
    scope = require_scope(scope)
    if not scope.is_operator_admin:
        raise PermissionDenied("réservé à l'opérateur / operator administrators only")
    return scope


def command_line_scope(actor: str = "cli") -> MemberScope:
    """The scope of the local command line, run by the machine's administrator.

    Whoever runs ``convergence`` on the server can read the database file anyway; the scope
    says so explicitly instead of bypassing the checks.
    """
    return MemberScope(member_id=0, actor=actor, role=Role.operator_admin, sees_all_members=True)
