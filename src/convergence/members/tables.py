"""Tables of members, users, API tokens and the audit log."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)

from convergence.db.metadata import metadata
from convergence.db.types import UTCDateTime
from convergence.members.roles import ShareLevel

members = Table(
    "members",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("siren", String(9), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("insee", String(5), ForeignKey("communes.insee"), nullable=True, unique=True),
    Column("share_level", String(20), nullable=False, default=ShareLevel.aggregates.value),
    Column("retention_days", Integer, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)

# The communes a member covers: a commune covers itself, an EPCI its member communes.
member_communes = Table(
    "member_communes",
    metadata,
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("commune_insee", ForeignKey("communes.insee"), primary_key=True, index=True),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id"), nullable=False, index=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("full_name", String(200), nullable=False, default=""),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("is_active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_login_at", UTCDateTime, nullable=True),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    # The first characters of the secret, shown in lists so people can tell tokens apart.
    Column("prefix", String(16), nullable=False, index=True),
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("scopes", JSON, nullable=False),
    Column("integration_id", Integer, nullable=True),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("last_used_at", UTCDateTime, nullable=True),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ts", UTCDateTime, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("member_id", Integer, nullable=True, index=True),
    Column("action", String(100), nullable=False),
    Column("target", String(200), nullable=False, default=""),
    Column("details", Text, nullable=False, default="{}"),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
)

# A person's login sessions, revocable on the server: the cookie holds only a random secret,
# whose SHA-256 is kept here; logging out, a new password or a disabled account ends them.
user_sessions = Table(
    "user_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
)

# Failed authentications per key (an account, an address, an OCPP identity), for throttling.
auth_failures = Table(
    "auth_failures",
    metadata,
    Column("key", String(400), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", UTCDateTime, nullable=False),
)
