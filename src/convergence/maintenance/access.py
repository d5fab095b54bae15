"""Who reads which tickets and contracts: members through their scope, contractors by contract.

A contractor's agent has the ``contractor`` role: the member scope lets it read nothing
(``MemberScope.can_read`` is false), and this module alone opens to it the tickets and
contracts of its own company. An agent tied to no company sees nothing: it fails closed.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, false, select

from convergence.errors import PermissionDenied
from convergence.maintenance.tables import contractor_users, contracts, tickets
from convergence.members.scope import MemberScope, member_clause, require_scope, require_write

USER_ACTOR = "user:"


def contractor_of(conn: Connection, scope: MemberScope) -> int | None:
    """The company of a contractor's agent; None for anyone else or an agent tied to none."""
    if not scope.is_contractor or not scope.actor.startswith(USER_ACTOR):
        return None
    user_id = int(scope.actor.removeprefix(USER_ACTOR))
    found = conn.execute(
        select(contractor_users.c.contractor_id).where(contractor_users.c.user_id == user_id)
    ).scalar_one_or_none()
    return None if found is None else int(found)


def require_reader(scope: MemberScope) -> MemberScope:
    """The scope, if it reads members' data or is a contractor's agent."""
    scope = require_scope(scope)
    if not (scope.can_read or scope.is_contractor):
        raise PermissionDenied("this token has no `read` scope")
    return scope


def contract_clause(conn: Connection, scope: MemberScope) -> ColumnElement[bool]:
    """Contracts the caller may read."""
    require_reader(scope)
    if scope.is_contractor:
        company = contractor_of(conn, scope)
        return false() if company is None else contracts.c.contractor_id == company
    return member_clause(scope, contracts.c.member_id)


def ticket_clause(conn: Connection, scope: MemberScope) -> ColumnElement[bool]:
    """Tickets the caller may read."""
    require_reader(scope)
    if scope.is_contractor:
        company = contractor_of(conn, scope)
        if company is None:
            return false()
        mine = select(contracts.c.id).where(contracts.c.contractor_id == company)
        return tickets.c.contract_id.in_(mine)
    return member_clause(scope, tickets.c.member_id)


def require_member_writer(scope: MemberScope, member_id: int) -> MemberScope:
    """Member-side decisions (pause, exclusion, closure) are not the contractor's to take."""
    if scope.is_contractor:
        raise PermissionDenied(
            "réservé à l'adhérent : un prestataire ne décide pas de cela / members only"
        )
    return require_write(scope, member_id)


def require_ticket_worker(scope: MemberScope, member_id: int) -> MemberScope:
    """Acknowledging and reporting work: the ticket's contractor, or the member's writers."""
    if scope.is_contractor:
        return scope  # the ticket was found through ``ticket_clause``: it is its contractor's
    return require_write(scope, member_id)
