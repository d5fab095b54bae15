"""The ``irve_static`` and ``irve_dynamic`` datasets, made and validated by charging.irve.

``convergence.charging.irve.exports`` writes the official IRVE files and validates them (schema and
the checks the schema lacks); a refusal's reasons become the dataset's problems.
"""

from __future__ import annotations

from sqlalchemy import Connection

from convergence.charging.irve import exports as irve
from convergence.charging.irve.sources import live_statuses, registry_stations
from convergence.opendata.drafts import Built, Draft, Source
from convergence.opendata.schemas import ValidationProblem
from convergence.opendata.specs import KindSpec


def build_irve_static(conn: Connection, *, source: Source, spec: KindSpec) -> Built:
    """The IRVE static file of the member's stations, as the one file of ``spec``."""
    result = irve.export_static(registry_stations(conn, scope=source.scope))
    return _built(spec, result)


def build_irve_dynamic(conn: Connection, *, source: Source, spec: KindSpec) -> Built:
    """The IRVE dynamic file: the current status of the member's points of charge."""
    result = irve.export_dynamic(live_statuses(conn, scope=source.scope, now=source.now))
    return _built(spec, result)


def _built(kind: KindSpec, result: irve.IrveResult) -> Built:
    (spec,) = kind.resources
    if isinstance(result, irve.IrveRefusal):
        problems = tuple(
            ValidationProblem(
                resource=spec.name,
                field=item.field,
                message_fr=item.message_fr,
                message_en=item.message_en,
            )
            for item in result.problems
        )
        return Built(problems=problems)
    return Built(drafts=(Draft(spec, result.content, validated=True),))
