"""Rows of the national "comptage des mobilités" schema (site, channel, measure), no I/O.

Schema 0.2.5 on schema.data.gouv.fr (etalab/schema-comptage-mobilites): one channel per
direction and per practice; a measure row per time slot, 0 when nothing passed; datetimes
in ISO 8601 UTC ("2019-09-07T13:15:00Z"). Values are strings, ready for a CSV writer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from convergence.errors import InvalidInput
from convergence.indicators.timewindows import as_utc
from convergence.indicators.traffic import HourlyCount

SITE_FIELDS = (
    "site_id", "parent_site_id", "site_name", "fr_insee_code", "xlong", "ylat",
    "external_ids", "infrastructure_type",
)  # fmt: skip
CHANNEL_FIELDS = (
    "channel_id", "channel_provider_id", "site_provider_id", "site_id", "mobility_type",
    "comment", "counter_transmission_type", "publication_transmission_type", "counter_type",
    "direction", "provider_direction_code", "provider_direction_name", "data_provider_name",
    "temporality", "started_at", "ended_at", "last_updated_at", "time_step",
    "provider_portal_url",
)  # fmt: skip
MEASURE_FIELDS = ("channel_id", "counter_id", "start_datetime", "end_datetime", "count")
# The platform transmits remotely and publishes through its API.
_CHANNEL_DEFAULTS = dict.fromkeys(CHANNEL_FIELDS, "") | {
    "counter_transmission_type": "REMOTE TRANSMISSION",
    "publication_transmission_type": "API",
}
_INSEE = re.compile(r"^([013-9]\d|2[AB1-9])\d{3}$")


class MobilityType(StrEnum):
    """Practices a channel counts (field ``mobility_type``)."""

    BIKE = "BIKE"
    TWO_WHEELS_MOTORIZED = "TWO WHEELS MOTORIZED"
    PEDESTRIAN = "PEDESTRIAN"
    E_SCOOTER = "E-SCOOTER"
    HORSE_RIDER = "HORSE-RIDER"
    CAR = "CAR"
    BUS = "BUS"
    MINIBUS = "MINIBUS"
    TRUCK = "TRUCK"
    VAN = "VAN"
    TRAMWAY = "TRAMWAY"
    CANOE = "CANOE"
    UNDEFINED = "UNDEFINED"


class CounterType(StrEnum):
    """Sensor technologies (field ``counter_type``)."""

    INDUCTIVE_LOOP = "INDUCTIVE LOOP"
    ELECTROMAGNETIC_SENSOR = "ELECTROMAGNETIC SENSOR"
    PASSIVE_INFRARED = "PASSIVE INFRARED"
    ACTIVE_INFRARED = "ACTIVE INFRARED"
    PIEZOELECTRIC_SENSOR = "PIEZOELECTRIC SENSOR"
    RADAR_SENSOR = "RADAR SENSOR"
    VIDEO_SENSOR = "VIDEO SENSOR"
    PNEUMATIC_TUBE_SENSOR = "PNEUMATIC TUBE SENSOR"
    SLAB_SENSOR = "SLAB SENSOR"
    LIGHT_BEAM_SENSOR = "LIGHT BEAM SENSOR"
    MANUAL = "MANUAL"
    ACOUSTIC = "ACOUSTIC"
    LIDAR = "LIDAR"
    OPTICAL_FIBER_SENSOR = "OPTICAL FIBER SENSOR"
    MAGNETOMETER = "MAGNETOMETER"
    OTHER = "OTHER"


class CompassDirection(StrEnum):
    """Heading of the users counted by a channel (field ``direction``)."""

    N = "N"
    NE = "NE"
    E = "E"
    SE = "SE"
    S = "S"
    SW = "SW"
    W = "W"
    NW = "NW"


class Temporality(StrEnum):
    """Whether a channel counts permanently or for a campaign."""

    PERMANENT = "PERMANENT"
    TEMPORARY = "TEMPORARY"


def iso_utc(instant: datetime) -> str:
    """ISO 8601 UTC with a Z, as in the schema's examples."""
    return as_utc(instant).strftime("%Y-%m-%dT%H:%M:%SZ")


def site_row(
    *,
    site_id: str,
    site_name: str,
    lon: float,
    lat: float,
    insee: str | None = None,
    parent_site_id: str | None = None,
    external_ids: Sequence[str] = (),
    infrastructure_type: str | None = None,
) -> dict[str, str]:
    """A row of the ``site`` file; coordinates in WGS84 with 6 decimals (4 at least required)."""
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise InvalidInput("site coordinates must be WGS84 longitude and latitude")
    if insee is not None and not _INSEE.match(insee):
        raise InvalidInput("fr_insee_code must be an INSEE commune code", insee=insee)
    return {
        "site_id": site_id,
        "parent_site_id": parent_site_id or "",
        "site_name": site_name,
        "fr_insee_code": insee or "",
        "xlong": f"{lon:.6f}",
        "ylat": f"{lat:.6f}",
        "external_ids": ",".join(external_ids),
        "infrastructure_type": infrastructure_type or "",
    }


def channel_row(
    *,
    channel_id: str,
    site_id: str,
    started_at: datetime,
    mobility_types: Sequence[MobilityType],
    temporality: Temporality = Temporality.PERMANENT,
    counter_type: CounterType | None = None,
    direction: CompassDirection | None = None,
    provider_direction_name: str | None = None,
    data_provider_name: str | None = None,
    time_step: timedelta = timedelta(hours=1),
    last_updated_at: datetime | None = None,
) -> dict[str, str]:
    """A row of the ``channel`` file: one direction and one practice (or a declared sum)."""
    if not mobility_types:
        raise InvalidInput("a channel counts at least one mobility type")
    return _CHANNEL_DEFAULTS | {
        "channel_id": channel_id,
        "site_id": site_id,
        "mobility_type": ",".join(m.value for m in mobility_types),
        "counter_type": counter_type.value if counter_type else "",
        "direction": direction.value if direction else "",
        "provider_direction_name": provider_direction_name or "",
        "data_provider_name": data_provider_name or "",
        "temporality": temporality.value,
        "started_at": iso_utc(started_at),
        "last_updated_at": iso_utc(last_updated_at) if last_updated_at else "",
        "time_step": str(int(time_step.total_seconds())),
    }


def measure_rows(
    counts: Sequence[HourlyCount],
    *,
    channel_ids: Mapping[str, str],
    counter_id: str,
    heavy_channel_ids: Mapping[str, str] | None = None,
) -> list[dict[str, str]]:
    """Rows of the ``measure`` file for hourly counts, one channel per direction.

    ``channel_ids`` maps a counter direction to its channel; ``heavy_channel_ids``, when
    given, publishes heavy vehicles on their own channels (the schema counts one practice
    per channel). Hours absent from ``counts`` are missing data and produce no row.
    """
    rows = []
    for c in sorted(counts, key=lambda c: (c.hour_start, c.direction)):
        if c.direction not in channel_ids:
            raise InvalidInput("no channel for this direction", direction=c.direction)
        rows.append(_measure_row(channel_ids[c.direction], counter_id, c.hour_start, c.vehicles))
        if heavy_channel_ids and c.heavy_vehicles is not None:
            heavy = heavy_channel_ids[c.direction]
            rows.append(_measure_row(heavy, counter_id, c.hour_start, c.heavy_vehicles))
    return rows


def _measure_row(channel_id: str, counter_id: str, start: datetime, count: int) -> dict[str, str]:
    start_utc = start.astimezone(UTC)
    return {
        "channel_id": channel_id,
        "counter_id": counter_id,
        "start_datetime": iso_utc(start_utc),
        "end_datetime": iso_utc(start_utc + timedelta(hours=1)),
        "count": str(count),
    }
