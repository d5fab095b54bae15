"""Who is looking at a page: the logged-in user and the member scope bound from it.

A page without a session raises NotAuthenticated, which the page error handler turns into
a redirect to ``/connexion?suivant=…``; a role that may not see a page raises
PermissionDenied (a French 403 page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from convergence.errors import NotAuthenticated, PermissionDenied
from convergence.members.binding import scope_for_user
from convergence.members.schemas import UserOut
from convergence.members.scope import MemberScope
from convergence.web.deps import SESSION_SECRET_KEY, EngineDep, signed_in_user


@dataclass(frozen=True, slots=True)
class PageUser:
    """The logged-in person and what they may see and do."""

    user: UserOut
    scope: MemberScope

    @property
    def can_write(self) -> bool:
        return self.scope.can_write

    @property
    def can_administer(self) -> bool:
        return self.scope.can_administer

    @property
    def is_operator(self) -> bool:
        return self.scope.is_operator_admin


def current_page_user(request: Request, engine: EngineDep) -> PageUser:
    """The logged-in user of a page; NotAuthenticated (redirect to the login page) otherwise."""
    with engine.connect() as conn:
        user = signed_in_user(request, conn)
        if user is None:
            # Logged out, revoked (new password, account disabled) or expired.
            request.session.pop(SESSION_SECRET_KEY, None)
            raise NotAuthenticated("connexion requise / login required")
        scope = scope_for_user(conn, user=user)
    return PageUser(user=user, scope=scope)


CurrentUserPage = Annotated[PageUser, Depends(current_page_user)]


def writer_page_user(viewer: CurrentUserPage) -> PageUser:
    """The user, if their role may change the member's data (technicians and admins)."""
    if not viewer.can_write:
        raise PermissionDenied(
            "votre rôle permet de consulter, pas de modifier / your role is read-only"
        )
    return viewer


WriterPage = Annotated[PageUser, Depends(writer_page_user)]


def admin_page_user(viewer: CurrentUserPage) -> PageUser:
    """The user, if they administer their member (member_admin or operator_admin)."""
    if not viewer.can_administer:
        raise PermissionDenied("cette page est réservée aux administrateurs / administrators only")
    return viewer


AdminPage = Annotated[PageUser, Depends(admin_page_user)]


def operator_page_user(viewer: CurrentUserPage) -> PageUser:
    """The user, if they are an administrator of the operator."""
    if not viewer.is_operator:
        raise PermissionDenied("réservé à l'opérateur / operator administrators only")
    return viewer


OperatorPage = Annotated[PageUser, Depends(operator_page_user)]
