"""The ``equipment`` dataset: the member's inventory of connected equipment.

Identifiers that let someone talk to a device (DevEUI, OCPP id, serial number), costs and
free tags are not published: the file says what is where, in which state.
"""

from __future__ import annotations

from sqlalchemy import Connection

from convergence.opendata import cells
from convergence.opendata.drafts import Built, Draft, Source
from convergence.opendata.encoding import write_csv
from convergence.opendata.kinds import DatasetKind
from convergence.opendata.specs import KIND_SPECS
from convergence.opendata.tableschemas import schema_columns
from convergence.registry.queries import iter_assets, list_device_models
from convergence.registry.schemas import AssetFilters, AssetOut, DeviceModelOut


def build_equipment(conn: Connection, *, source: Source) -> Built:
    """One row per piece of equipment the member owns."""
    (spec,) = KIND_SPECS[DatasetKind.equipment].resources
    items = iter_assets(conn, scope=source.scope, filters=AssetFilters(member_id=source.member.id))
    models = {model.id: model for model in list_device_models(conn)}
    rows = [_row(item, models) for item in items]
    return Built(drafts=(Draft(spec, write_csv(schema_columns(spec.schema), rows)),))


def _row(item: AssetOut, models: dict[int, DeviceModelOut]) -> dict[str, str]:
    model = models.get(item.device_model_id) if item.device_model_id else None
    return {
        "asset_id": str(item.id),
        "name": item.name,
        "kind": item.kind,
        "domain": item.domain,
        "status": item.status.value,
        "device_vendor": model.vendor if model else "",
        "device_model": model.model if model else "",
        "commune_insee": cells.text(item.commune_insee),
        "longitude": cells.coordinate(item.lon),
        "latitude": cells.coordinate(item.lat),
        "installed_on": cells.day(item.installed_on),
        "updated_at": cells.instant(item.updated_at),
    }
