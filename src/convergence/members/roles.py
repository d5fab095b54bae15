"""Closed sets of the members domain: member kinds, user roles, token scopes, sharing levels."""

from __future__ import annotations

from enum import StrEnum


class MemberKind(StrEnum):
    commune = "commune"
    epci = "epci"
    departement = "departement"
    operator = "operator"


class Role(StrEnum):
    operator_admin = "operator_admin"
    member_admin = "member_admin"
    technician = "technician"
    elected = "elected"
    viewer = "viewer"
    # A maintenance company's agent: reads nothing of members through the member scope; the
    # maintenance package alone shows it the tickets and assets of its own contracts.
    contractor = "contractor"


class TokenScope(StrEnum):
    ingest = "ingest"
    read = "read"
    admin = "admin"


class ShareLevel(StrEnum):
    """What a commune lets the EPCI and département that cover it see of its data."""

    none = "none"
    aggregates = "aggregates"
    full = "full"


# Roles allowed to write (create, update, delete) member-owned data, from the most powerful.
WRITER_ROLES = frozenset({Role.operator_admin, Role.member_admin, Role.technician})
ADMIN_ROLES = frozenset({Role.operator_admin, Role.member_admin})
