"""Tables of video protection: systems, cameras, register, habilitations, requisitions."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from convergence.db.metadata import metadata
from convergence.db.types import UTCDateTime

# One system = one prefectoral authorisation (CSI L252-1). The perimeter is a GeoJSON polygon.
video_systems = Table(
    "video_systems",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("authorisation_number", String(100), nullable=False),
    Column("authorised_on", Date, nullable=False),
    Column("expires_on", Date, nullable=False),
    Column("purposes", JSON, nullable=False),
    Column("retention_days", Integer, nullable=False),
    Column("perimeter", JSON, nullable=True),
    Column("signage", JSON, nullable=False),
    Column("controller", String(200), nullable=False),
    Column("contact", String(200), nullable=False, default=""),
    Column("viewers", JSON, nullable=False),
    # The recorder holding the footage, e.g. "zoneminder:http://nvr.example:8080/zm".
    Column("recorder", String(300), nullable=True),
    # Its user and password, sealed (Fernet, ``video.credentials``): never in ``recorder``.
    Column("recorder_credentials", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("member_id", "authorisation_number"),
)

# A camera of the registry (kind camera) and what video protection adds to it.
video_cameras = Table(
    "video_cameras",
    metadata,
    Column("asset_id", ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("system_id", ForeignKey("video_systems.id", ondelete="SET NULL"), nullable=True),
    Column("recorder_ref", String(100), nullable=True),
    Column("host", String(200), nullable=True),
    Column("onvif_port", Integer, nullable=True),
    Column("rtsp_url", String(500), nullable=True),
    Column("vv_authorised", Boolean, nullable=False, default=False),
    # The camera's ONVIF / RTSP user and password, sealed as the recorder's.
    Column("credentials", Text, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_video_cameras_system", "system_id"),
)

# The access register: hash-chained per member (each commune is its own controller), so a
# member's extract for the CNIL verifies on its own. Kept 3 years.
video_register = Table(
    "video_register",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("system_id", Integer, nullable=True),
    Column("ts", UTCDateTime, nullable=False),
    Column("agent", String(100), nullable=False),
    Column("agent_name", String(200), nullable=False, default=""),
    Column("action", String(20), nullable=False),
    Column("outcome", String(10), nullable=False),
    Column("motive", String(20), nullable=False),
    Column("procedure_number", String(100), nullable=False, default=""),
    Column("requester", String(200), nullable=False, default=""),
    Column("recipient", String(200), nullable=False, default=""),
    Column("camera_asset_id", Integer, nullable=True),
    Column("clips", JSON, nullable=False),
    Column("export_sha256", String(64), nullable=False, default=""),
    Column("details", Text, nullable=False, default="{}"),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    Index("ix_video_register_member_ts", "member_id", "ts"),
)

# Who may see a system's images, from when to when; pooled operators only in their slots
# (weekly, local time: [{"weekday": 0-6, "start": "HH:MM", "end": "HH:MM"}]).
video_habilitations = Table(
    "video_habilitations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("system_id", ForeignKey("video_systems.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("valid_from", UTCDateTime, nullable=False),
    Column("valid_until", UTCDateTime, nullable=False),
    Column("slots", JSON, nullable=False),
    Column("granted_by", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
)

video_requisitions = Table(
    "video_requisitions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("system_id", ForeignKey("video_systems.id"), nullable=False),
    Column("opj_name", String(200), nullable=False),
    Column("opj_service", String(200), nullable=False),
    Column("procedure_number", String(100), nullable=False),
    Column("cameras", JSON, nullable=False),
    Column("window_start", UTCDateTime, nullable=False),
    Column("window_end", UTCDateTime, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("status", String(20), nullable=False),
    Column("handed_over_to", String(200), nullable=True),
    Column("handed_over_at", UTCDateTime, nullable=True),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("created_by", String(100), nullable=False),
)

# Files extracted for a requisition, with the SHA-256 handed over on the receipt.
video_exports = Table(
    "video_exports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("requisition_id", ForeignKey("video_requisitions.id", ondelete="CASCADE")),
    Column("camera_asset_id", Integer, nullable=False),
    Column("recording_ref", String(100), nullable=False),
    Column("start", UTCDateTime, nullable=False),
    Column("end", UTCDateTime, nullable=False),
    Column("file_name", String(200), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# Footage that must not be purged while a procedure needs it.
video_holds = Table(
    "video_holds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("camera_asset_id", Integer, nullable=False),
    Column("start", UTCDateTime, nullable=False),
    Column("end", UTCDateTime, nullable=False),
    Column("requisition_id", ForeignKey("video_requisitions.id", ondelete="CASCADE")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("released_at", UTCDateTime, nullable=True),
)

# Requests of filmed people to see their images; the answer is due within one month.
video_access_requests = Table(
    "video_access_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("requester_name", String(200), nullable=False),
    Column("requester_contact", String(320), nullable=False),
    Column("place", String(300), nullable=False),
    Column("window_start", UTCDateTime, nullable=False),
    Column("window_end", UTCDateTime, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("status", String(10), nullable=False),
    Column("answer", Text, nullable=False, default=""),
    Column("answered_at", UTCDateTime, nullable=True),
)

# Vidéoverbalisation (Code de la route R130-11). The NatInf codes the operator loaded from
# the official catalogue, each under one R130-11 category: reference data, no member's.
video_natinf = Table(
    "video_natinf",
    metadata,
    Column("code", String(10), primary_key=True),
    Column("label", String(300), nullable=False),
    Column("category", String(40), nullable=False),
    # Whether the offence concerns a stationary vehicle (stopping, parking): what an ASVP
    # may record; the operator says so in its file, from the catalogue's wording.
    Column("stationary", Boolean, nullable=False),
    Column("loaded_at", UTCDateTime, nullable=False),
)

# The commune's agents who record VV offences, with their competence.
video_vv_agents = Table(
    "video_vv_agents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("competence", String(20), nullable=False),
    Column("designated_by", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("member_id", "user_id"),
)

# One evidence export handed to the PVe editor (the platform transmits no fine).
video_vv_findings = Table(
    "video_vv_findings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("camera_asset_id", ForeignKey("assets.id", ondelete="CASCADE"), nullable=False),
    Column("commune_insee", String(5), nullable=True),
    Column("natinf_code", String(10), nullable=False),
    Column("category", String(40), nullable=False),
    Column("agent", String(100), nullable=False),
    Column("taken_at", UTCDateTime, nullable=False),
    Column("export_sha256", String(64), nullable=False),
    Column("register_entry_id", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
