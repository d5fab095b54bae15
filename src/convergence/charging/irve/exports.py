"""IRVE open-data exports (static and dynamic), published only once they validate.

The public API of the IRVE exports: build the rows from what the platform knows, write the
CSV in the schema's exact columns, validate it offline with frictionless against the
packaged etalab/schema-irve v2.3.1 schemas, and hand back either a publishable export or
the list of reasons to refuse it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from convergence.charging.irve.csv_files import MEDIA_TYPE, read_csv_rows, write_csv
from convergence.charging.irve.dynamic import build_dynamic_rows
from convergence.charging.irve.models import NOT_IN_ROAMING, PointLiveStatus, Station
from convergence.charging.irve.problems import ExportProblem, ProblemKind, SubjectKind, problem
from convergence.charging.irve.schemas import IrveKind
from convergence.charging.irve.static import build_static_rows
from convergence.charging.irve.validation import validate_irve_csv
from convergence.errors import InvalidInput


class IrveExport(BaseModel):
    """A CSV file that validated against its IRVE schema: safe to publish."""

    model_config = ConfigDict(frozen=True)

    outcome: Literal["valid"] = "valid"
    kind: IrveKind
    content: bytes
    row_count: int
    media_type: str = MEDIA_TYPE


class IrveRefusal(BaseModel):
    """Why an IRVE export cannot be published, per station and point."""

    model_config = ConfigDict(frozen=True)

    outcome: Literal["refused"] = "refused"
    kind: IrveKind
    problems: tuple[ExportProblem, ...]

    def to_error(self) -> InvalidInput:
        """The refusal as the platform's named error, for the HTTP and CLI edges."""
        listing = "; ".join(item.message_en for item in self.problems)
        return InvalidInput(
            f"IRVE {self.kind} export refused: {listing}",
            messages_fr=[item.message_fr for item in self.problems],
            messages_en=[item.message_en for item in self.problems],
        )


IrveResult = IrveExport | IrveRefusal


def export_static(stations: Sequence[Station]) -> IrveResult:
    """The IRVE static file of these stations, or why it cannot be published."""
    empty = [_no_point_problem(station) for station in stations if not station.points]
    content = write_csv(IrveKind.static, build_static_rows(stations))
    return _publishable(IrveKind.static, content, extra=empty)


def export_dynamic(statuses: Sequence[PointLiveStatus]) -> IrveResult:
    """The IRVE dynamic file of these live statuses, or why it cannot be published."""
    content = write_csv(IrveKind.dynamic, build_dynamic_rows(statuses))
    return _publishable(IrveKind.dynamic, content)


def validate_static_csv(content: bytes) -> IrveResult:
    """Check an IRVE static CSV file from elsewhere (e.g. an operator's) before publishing."""
    return _publishable(IrveKind.static, content)


def validate_dynamic_csv(content: bytes) -> IrveResult:
    """Check an IRVE dynamic CSV file from elsewhere before publishing."""
    return _publishable(IrveKind.dynamic, content)


def _publishable(
    kind: IrveKind, content: bytes, *, extra: Sequence[ExportProblem] = ()
) -> IrveResult:
    # The only place an IrveExport is made: after validation found nothing to refuse.
    problems = [*extra, *validate_irve_csv(kind, content)]
    if problems:
        return IrveRefusal(kind=kind, problems=tuple(problems))
    return IrveExport(kind=kind, content=content, row_count=len(read_csv_rows(content)))


def _no_point_problem(station: Station) -> ExportProblem:
    roaming_id = station.id_station_itinerance
    if roaming_id == NOT_IN_ROAMING:
        roaming_id = None
    label = roaming_id or station.id_station_local or station.name or "?"
    return problem(
        ProblemKind.missing_field,
        SubjectKind.station,
        label,
        ("aucun point de recharge", "no charging point"),
        field="nbre_pdc",
    )
