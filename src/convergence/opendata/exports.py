"""Building a dataset's files and validating them: only a valid build is ever served."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from convergence.errors import NotFound
from convergence.members.queries import get_member
from convergence.opendata.drafts import Built, Draft, Source
from convergence.opendata.encoding import encode, read_csv
from convergence.opendata.errors import DatasetNotValid
from convergence.opendata.inventory import build_equipment
from convergence.opendata.kinds import DatasetKind, DownloadFormat
from convergence.opendata.measurements import build_measurements
from convergence.opendata.publication import publication_scope
from convergence.opendata.schemas import (
    DatasetOut,
    Period,
    ResourceSummary,
    ValidationProblem,
    ValidationReport,
)
from convergence.opendata.specs import ResourceSpec
from convergence.opendata.validation import validate_csv
from convergence.servicelines import service_lines

Builder = Callable[[Connection, Source], Built]
BUILDERS: dict[str, Builder] = {
    DatasetKind.equipment: lambda conn, source: build_equipment(conn, source=source),
}


def builder_of(kind: str) -> Builder:
    """How a dataset of ``kind`` is built: the core's builder, else its service line's, else
    the daily (or hourly) measurements of the line's equipment."""
    if kind in BUILDERS:
        return BUILDERS[kind]
    for line in service_lines():
        for dataset in line.datasets:
            if dataset.kind == kind and dataset.build is not None:
                return dataset.build
    return lambda conn, source: build_measurements(conn, source=source, kind=kind)


@dataclass(frozen=True, slots=True)
class ValidFile:
    spec: ResourceSpec
    content: bytes  # the CSV file that validated
    rows: int


@dataclass(frozen=True, slots=True)
class DatasetBuild:
    """Every file of a dataset and every problem found; served only when there is none."""

    dataset: DatasetOut
    files: tuple[ValidFile, ...]
    problems: tuple[ValidationProblem, ...]

    @property
    def valid(self) -> bool:
        return not self.problems

    def report(self) -> ValidationReport:
        return ValidationReport(
            dataset_id=self.dataset.id,
            valid=self.valid,
            resources=[
                ResourceSummary(name=f.spec.name, schema_name=str(f.spec.schema), rows=f.rows)
                for f in self.files
            ],
            problems=list(self.problems),
        )

    def require_valid(self) -> DatasetBuild:
        """This build, if it may be served; DatasetNotValid with every reason otherwise."""
        if self.problems:
            raise not_valid_error(self.dataset, self.problems)
        return self

    def download(self, resource: str, file_format: DownloadFormat) -> bytes:
        """One file in one format, from a valid build only."""
        for item in self.require_valid().files:
            if item.spec.name == resource and file_format in item.spec.formats:
                return encode(item.spec, item.content, file_format)
        raise NotFound(f"fichier {resource}.{file_format} introuvable / file not found")


def build_dataset(
    conn: Connection, *, dataset: DatasetOut, period: Period | None, now: datetime
) -> DatasetBuild:
    """Make the dataset's files from its member's own data and validate each of them."""
    source = Source(
        scope=publication_scope(dataset.member_id),
        member=get_member(conn, member_id=dataset.member_id),
        period=period,
        now=now,
    )
    built = builder_of(dataset.kind)(conn, source)
    problems = [*built.problems]
    for draft in built.drafts:
        problems += _check(draft)
    files = tuple(ValidFile(d.spec, d.content, len(read_csv(d.content))) for d in built.drafts)
    return DatasetBuild(dataset=dataset, files=files, problems=tuple(problems))


def _check(draft: Draft) -> list[ValidationProblem]:
    if draft.validated:
        return []
    return validate_csv(draft.spec.name, draft.spec.schema, draft.content)


def not_valid_error(
    dataset: DatasetOut, problems: tuple[ValidationProblem, ...]
) -> DatasetNotValid:
    """The refusal to serve or publish ``dataset``, with every reason in both languages."""
    shown = "; ".join(p.message_en for p in problems[:5])
    more = f" (+{len(problems) - 5})" if len(problems) > 5 else ""
    return DatasetNotValid(
        f"jeu de données {dataset.id} non conforme à son schéma, non diffusé / dataset "
        f"{dataset.id} does not follow its schema and is not served: {shown}{more}",
        messages_fr=[p.message_fr for p in problems],
        messages_en=[p.message_en for p in problems],
    )
