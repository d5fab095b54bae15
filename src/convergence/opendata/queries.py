"""Read side of open data.

Members read their own datasets through their scope. The public reads only published rows,
of every member, through the explicit ``*_unscoped`` functions below: a dataset that is not
published is answered exactly like one that does not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, Select, func, select

from convergence.errors import NotFound
from convergence.members.scope import MemberScope, member_clause
from convergence.opendata.publication import publication_scope
from convergence.opendata.schemas import DatasetOut
from convergence.opendata.specs import KIND_SPECS, Cadence
from convergence.opendata.tables import datasets
from convergence.registry.tables import assets
from convergence.timeseries.tables import readings_daily, series

# Public functions that read or write members' rows without a scope, and why.
UNSCOPED = {
    "temporal_extent": "the extent of a published dataset, shown to the public",
}


def dataset_out(row: Row[Any]) -> DatasetOut:
    return DatasetOut.model_validate(row._asdict())


def not_found(dataset_id: int) -> NotFound:
    """The one answer for a dataset that is missing, unpublished or someone else's."""
    return NotFound(f"jeu de données {dataset_id} introuvable / dataset {dataset_id} not found")


def select_datasets(*, scope: MemberScope) -> Select[Any]:
    """The statement of the datasets of the members the scope reads in full."""
    return select(datasets).where(member_clause(scope, datasets.c.member_id))


def list_datasets(conn: Connection, *, scope: MemberScope) -> list[DatasetOut]:
    """The datasets of the members the scope reads in full."""
    rows = conn.execute(
        select_datasets(scope=scope).order_by(datasets.c.member_id, datasets.c.kind)
    )
    return [dataset_out(row) for row in rows]


def get_dataset(conn: Connection, *, scope: MemberScope, dataset_id: int) -> DatasetOut:
    """One dataset the scope reads; NotFound otherwise, whether it exists or not."""
    row = conn.execute(
        select(datasets).where(
            datasets.c.id == dataset_id, member_clause(scope, datasets.c.member_id)
        )
    ).first()
    if row is None:
        raise not_found(dataset_id)
    return dataset_out(row)


def published_datasets_unscoped(conn: Connection) -> list[DatasetOut]:
    """Every published dataset, of every member: the public catalogue."""
    rows = conn.execute(
        select(datasets)
        .where(datasets.c.published.is_(True))
        .order_by(datasets.c.member_id, datasets.c.kind)
    )
    return [dataset_out(row) for row in rows]


def get_published_dataset_unscoped(conn: Connection, *, dataset_id: int) -> DatasetOut:
    """A published dataset; NotFound, with the same words, when missing or unpublished."""
    row = conn.execute(
        select(datasets).where(datasets.c.id == dataset_id, datasets.c.published.is_(True))
    ).first()
    if row is None:
        raise not_found(dataset_id)
    return dataset_out(row)


def temporal_extent(conn: Connection, *, dataset: DatasetOut) -> tuple[date | None, date | None]:
    """First and last day the dataset's data covers (None when unknown or not dated)."""
    spec = KIND_SPECS[dataset.kind]
    if spec.live:
        return None, None
    scope = publication_scope(dataset.member_id)
    if spec.cadence is Cadence.snapshot:
        query = select(func.min(assets.c.installed_on), func.max(assets.c.installed_on))
        query = query.where(member_clause(scope, assets.c.member_id))
        if spec.domain is not None:
            query = query.where(assets.c.domain == spec.domain)
        first, _ = conn.execute(query).one()
        return first, None
    row = conn.execute(
        select(func.min(readings_daily.c.day), func.max(readings_daily.c.day))
        .join(series, series.c.id == readings_daily.c.series_id)
        .join(assets, assets.c.id == series.c.asset_id)
        .where(
            member_clause(scope, series.c.member_id),
            assets.c.domain == (spec.domain or ""),
        )
    ).one()
    return row[0], row[1]


def find_dataset(
    conn: Connection, *, scope: MemberScope, member_id: int, kind: str
) -> DatasetOut | None:
    """The member's dataset of ``kind``, if it has one the scope reads."""
    row = conn.execute(
        select(datasets).where(
            datasets.c.member_id == member_id,
            datasets.c.kind == kind,
            member_clause(scope, datasets.c.member_id),
        )
    ).first()
    return dataset_out(row) if row else None
