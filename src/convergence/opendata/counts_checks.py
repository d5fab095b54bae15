"""Links between the three *comptage des mobilités* files, which no single schema checks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from convergence.opendata.schemas import ValidationProblem


def link_problems(
    sites: Sequence[dict[str, str]],
    channels: Sequence[dict[str, str]],
    measures: Sequence[dict[str, str]],
) -> list[ValidationProblem]:
    """Channels of unknown sites, measures of unknown channels, repeated time slots."""
    site_ids = {row["site_id"] for row in sites}
    channel_ids = {row["channel_id"] for row in channels}
    problems = [
        _problem("channel", "site_id", row["site_id"], "site inconnu", "unknown site")
        for row in channels
        if row["site_id"] not in site_ids
    ]
    problems += [
        _problem("measure", "channel_id", channel, "channel inconnu", "unknown channel")
        for channel in sorted({row["channel_id"] for row in measures} - channel_ids)
    ]
    slots = Counter((row["channel_id"], row["start_datetime"]) for row in measures)
    problems += [
        _problem("measure", "start_datetime", f"{c} {s}", "créneau en double", "duplicate slot")
        for (c, s), times in sorted(slots.items())
        if times > 1
    ]
    return problems


def _problem(resource: str, field: str, value: str, fr: str, en: str) -> ValidationProblem:
    return ValidationProblem(
        resource=resource,
        field=field,
        message_fr=f"{resource}, `{field}` « {value} » : {fr}",
        message_en=f"{resource}, `{field}` “{value}”: {en}",
    )
