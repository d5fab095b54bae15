"""The scope published data is read with: one member's own rows, read-only, nothing else.

The public API has no caller scope. Instead of an unscoped read, every builder reads a
published dataset through ``publication_scope(member_id)``: the member scope machinery still
applies (and still fails closed), restricted to the publishing member. Rows that the member
only reads as aggregates from others (an EPCI's communes) are not its to publish and are
left out.
"""

from __future__ import annotations

from convergence.members.roles import TokenScope
from convergence.members.scope import MemberScope

PUBLICATION_ACTOR = "opendata"


def publication_scope(member_id: int) -> MemberScope:
    """A read-only scope over exactly ``member_id``'s own rows."""
    return MemberScope(
        member_id=member_id,
        actor=PUBLICATION_ACTOR,
        token_scopes=frozenset({TokenScope.read}),
        full_member_ids=frozenset({member_id}),
    )
