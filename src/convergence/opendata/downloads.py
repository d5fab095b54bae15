"""One file of a dataset, asked for by name (``measure.csv``), built and validated now."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection

from convergence.errors import NotFound
from convergence.members.queries import get_member
from convergence.opendata.config import OpenDataConfig
from convergence.opendata.exports import build_dataset
from convergence.opendata.kinds import MEDIA_TYPES, DownloadFormat
from convergence.opendata.schemas import DatasetOut, ValidationReport
from convergence.opendata.specs import KIND_SPECS, ResourceSpec, resource_spec
from convergence.opendata.windows import resolve_period


@dataclass(frozen=True, slots=True)
class Download:
    content: bytes
    media_type: str
    filename: str


def parse_file_name(dataset: DatasetOut, file_name: str) -> tuple[ResourceSpec, DownloadFormat]:
    """The file and format ``measure.csv`` names in this dataset; NotFound otherwise."""
    stem, _, suffix = file_name.rpartition(".")
    spec = resource_spec(dataset.kind, stem)
    formats = {f.value: f for f in spec.formats} if spec else {}
    if spec is None or suffix not in formats:
        known = ", ".join(
            f"{s.name}.{f}" for s in KIND_SPECS[dataset.kind].resources for f in s.formats
        )
        raise NotFound(f"fichier {file_name} introuvable / no such file: {known}")
    return spec, formats[suffix]


def prepare_download(
    conn: Connection,
    *,
    dataset: DatasetOut,
    file_name: str,
    start: date | None,
    end: date | None,
    config: OpenDataConfig,
    now: datetime,
) -> Download:
    """The file, if every file of the dataset validates; DatasetNotValid says why not."""
    spec, file_format = parse_file_name(dataset, file_name)
    cadence = KIND_SPECS[dataset.kind].cadence
    period = resolve_period(cadence, start=start, end=end, config=config, now=now)
    build = build_dataset(conn, dataset=dataset, period=period, now=now)
    content = build.download(spec.name, file_format)
    member = get_member(conn, member_id=dataset.member_id)
    name = download_name(dataset.kind, spec, file_format, member_name=member.name)
    charset = "; charset=utf-8" if file_format is DownloadFormat.csv else ""
    return Download(content, MEDIA_TYPES[file_format] + charset, name)


def download_name(
    kind: str, spec: ResourceSpec, file_format: DownloadFormat, *, member_name: str
) -> str:
    """The file's name: ``comptagemobilites_measure_versailles.csv``, ``air_daily_…``."""
    pattern = KIND_SPECS[kind].file_name
    return f"{pattern.format(resource=spec.name, member=slug(member_name))}.{file_format}"


def validation_report(
    conn: Connection,
    *,
    dataset: DatasetOut,
    start: date | None,
    end: date | None,
    config: OpenDataConfig,
    now: datetime,
) -> ValidationReport:
    """Build and validate every file of the dataset, and say what was found."""
    cadence = KIND_SPECS[dataset.kind].cadence
    period = resolve_period(cadence, start=start, end=end, config=config, now=now)
    return build_dataset(conn, dataset=dataset, period=period, now=now).report()


def slug(name: str) -> str:
    """``Boulogne-Billancourt`` → ``boulogne-billancourt``; ASCII, for file names."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "adherent"
