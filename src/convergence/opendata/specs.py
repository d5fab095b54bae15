"""What each kind of dataset is made of: its files, their schemas, words and themes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from convergence.opendata.kinds import DatasetKind, DownloadFormat, Licence
from convergence.opendata.tableschemas import SchemaName
from convergence.servicelines import service_lines


@dataclass(frozen=True, slots=True)
class Geometry:
    """Where a row's position is: two number columns, or one IRVE ``[lon,lat]`` geopoint."""

    lon: str = ""
    lat: str = ""
    geopoint: str = ""


@dataclass(frozen=True, slots=True)
class ResourceSpec:
    """One file of a dataset."""

    name: str
    schema: SchemaName | str  # a core schema, or one a service line brings
    title: str
    geometry: Geometry | None = None
    official_page: str = ""  # the standard's page on schema.data.gouv.fr, for a national one

    @property
    def formats(self) -> tuple[DownloadFormat, ...]:
        """CSV and Parquet always; GeoJSON for located rows."""
        if self.geometry is None:
            return (DownloadFormat.csv, DownloadFormat.parquet)
        return (DownloadFormat.csv, DownloadFormat.geojson, DownloadFormat.parquet)


class Cadence(StrEnum):
    """Whether a file is a snapshot or covers a period of days or hours."""

    snapshot = "snapshot"
    daily = "daily"
    hourly = "hourly"


@dataclass(frozen=True, slots=True)
class LicenceRule:
    """The one licence a dataset kind may be published under, and the text that says so."""

    licence: Licence
    reason: str  # the refusal of any other licence, in French / English


@dataclass(frozen=True, slots=True)
class KindSpec:
    """What a dataset kind is: its words, themes, cadence, files, and how they are published.

    ``file_name`` is the pattern of its files' names (``{resource}`` and ``{member}`` are
    replaced; a national schema suggests its own, ``irve_statique_{member}``); ``licence``
    restricts the licences members may choose; a ``live`` file is the state at the moment it
    is asked for (IRVE dynamique): it covers no period, so the catalogue gives it no extent.
    """

    title: str  # "{member}" is replaced by the member's name
    description: str
    keywords: tuple[str, ...]
    themes: tuple[str, ...]  # EU data-theme codes (DCAT-AP dcat:theme)
    cadence: Cadence
    resources: tuple[ResourceSpec, ...]
    domain: str | None = None  # the domain (service line) of the equipment it is built from
    file_name: str = "{resource}_{member}"
    licence: LicenceRule | None = None
    live: bool = False


LON_LAT = Geometry(lon="longitude", lat="latitude")
SENSORS = "capteurs connectés"  # a keyword of every dataset of sensors

CORE_KIND_SPECS: dict[str, KindSpec] = {
    DatasetKind.equipment: KindSpec(
        "Équipements connectés — {member}",
        "Inventaire des équipements connectés déployés par la collectivité (capteurs, "
        "compteurs, éclairage, bornes de recharge…), avec leur position et leur état.",
        ("inventaire", "équipements", "objets connectés", "IoT"),
        ("TECH", "GOVE"),
        Cadence.snapshot,
        (ResourceSpec("equipment", SchemaName.equipment, "Équipements", LON_LAT),),
    ),
}


class KindSpecs(Mapping[str, KindSpec]):
    """The spec of every dataset kind: the core's, then those of the installed lines."""

    def _all(self) -> dict[str, KindSpec]:
        found = {d.kind: d.spec for line in service_lines() for d in line.datasets}
        return {**found, **CORE_KIND_SPECS}

    def __getitem__(self, kind: str) -> KindSpec:
        return CORE_KIND_SPECS.get(kind) or self._all()[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


KIND_SPECS: Mapping[str, KindSpec] = KindSpecs()


def resource_spec(kind: str, name: str) -> ResourceSpec | None:
    """The file ``name`` of a dataset of ``kind``, if it has one."""
    return next((spec for spec in KIND_SPECS[kind].resources if spec.name == name), None)


def default_title(kind: str, member_name: str) -> str:
    return KIND_SPECS[kind].title.format(member=member_name)
