"""The public description of published datasets: publisher, coverage, files and schemas.

``public_catalogue`` is what the public API, the DCAT-AP document and the open-data page
list; URLs are absolute, built on the platform's public base URL.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from convergence.members.queries import get_member
from convergence.members.roles import MemberKind
from convergence.members.tables import members
from convergence.opendata.kinds import MEDIA_TYPES, DownloadFormat
from convergence.opendata.queries import (
    get_published_dataset_unscoped,
    published_datasets_unscoped,
    temporal_extent,
)
from convergence.opendata.schemas import (
    DatasetOut,
    DistributionOut,
    PublicDatasetOut,
    PublisherOut,
)
from convergence.opendata.specs import KIND_SPECS, ResourceSpec

PUBLIC_API = "/api/public/v1"


def dataset_url(base_url: str, dataset_id: int) -> str:
    return f"{base_url.rstrip('/')}{PUBLIC_API}/datasets/{dataset_id}"


def schema_url(base_url: str, schema_name: str) -> str:
    return f"{base_url.rstrip('/')}{PUBLIC_API}/schemas/{schema_name}.json"


def distributions(base_url: str, dataset: DatasetOut) -> list[DistributionOut]:
    """One distribution per file and format of the dataset."""
    return [
        _distribution(base_url, dataset, spec, file_format)
        for spec in KIND_SPECS[dataset.kind].resources
        for file_format in spec.formats
    ]


def _distribution(
    base_url: str, dataset: DatasetOut, spec: ResourceSpec, file_format: DownloadFormat
) -> DistributionOut:
    return DistributionOut.model_validate(
        {
            "resource": spec.name,
            "title": f"{spec.title} ({file_format.value.upper()})",
            "format": file_format,
            "media_type": MEDIA_TYPES[file_format],
            "download_url": f"{dataset_url(base_url, dataset.id)}/files/{spec.name}.{file_format}",
            "schema_name": str(spec.schema),
            "schema_url": schema_url(base_url, str(spec.schema)),
            "official_schema_page": spec.official_page or None,
        }
    )


def public_dataset(conn: Connection, *, dataset: DatasetOut, base_url: str) -> PublicDatasetOut:
    """What anyone may know of a published dataset."""
    member = get_member(conn, member_id=dataset.member_id)
    start, end = temporal_extent(conn, dataset=dataset)
    return PublicDatasetOut(
        id=dataset.id,
        kind=dataset.kind,
        title=dataset.title,
        description=dataset.description,
        licence=dataset.licence,
        licence_title=dataset.licence.title,
        licence_url=dataset.licence.uri,
        publisher=PublisherOut(name=member.name, siren=member.siren),
        communes=member.communes,
        keywords=list(KIND_SPECS[dataset.kind].keywords),
        published_at=dataset.published_at,
        updated_at=dataset.updated_at,
        temporal_start=start,
        temporal_end=end,
        distributions=distributions(base_url, dataset),
    )


def public_catalogue(conn: Connection, *, base_url: str) -> list[PublicDatasetOut]:
    """Every published dataset, described for the public."""
    return [
        public_dataset(conn, dataset=dataset, base_url=base_url)
        for dataset in published_datasets_unscoped(conn)
    ]


def published_dataset(conn: Connection, *, dataset_id: int, base_url: str) -> PublicDatasetOut:
    """One published dataset, described for the public; NotFound when unpublished."""
    dataset = get_published_dataset_unscoped(conn, dataset_id=dataset_id)
    return public_dataset(conn, dataset=dataset, base_url=base_url)


def platform_operator(conn: Connection) -> PublisherOut | None:
    """The operator member, publisher of the catalogue itself (None before it exists)."""
    row = conn.execute(
        select(members.c.name, members.c.siren)
        .where(members.c.kind == MemberKind.operator.value)
        .order_by(members.c.id)
        .limit(1)
    ).first()
    return PublisherOut(name=row.name, siren=row.siren) if row else None
