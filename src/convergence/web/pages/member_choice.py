"""Which member a form acts for: its own for everyone, any member for the operator."""

from __future__ import annotations

from sqlalchemy import Connection

from convergence.errors import InvalidInput
from convergence.members.queries import get_member, member_names
from convergence.web.pages.session import PageUser
from convergence.web.pages.submitted import SubmittedForm

MEMBER_FIELD = "member_id"


def member_options(conn: Connection, *, viewer: PageUser) -> dict[int, str]:
    """Members a form may act for: every member for the operator, else the user's own."""
    if viewer.is_operator:
        return member_names(conn, scope=viewer.scope)
    return {viewer.scope.member_id: get_member(conn, member_id=viewer.scope.member_id).name}


def chosen_member(form: SubmittedForm, *, viewer: PageUser) -> int:
    """The member picked in the form (operator only); the user's own member otherwise."""
    value = form.text(MEMBER_FIELD)
    if not viewer.is_operator or not value:
        return viewer.scope.member_id
    if not value.isdigit():
        raise InvalidInput("adhérent invalide / invalid member")
    return int(value)
