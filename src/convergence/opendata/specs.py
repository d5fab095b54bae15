"""What each kind of dataset is made of: its files, their schemas, words and themes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from convergence.opendata.kinds import DatasetKind, DownloadFormat
from convergence.opendata.tableschemas import SchemaName
from convergence.registry.kinds import Domain
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
class KindSpec:
    title: str  # "{member}" is replaced by the member's name
    description: str
    keywords: tuple[str, ...]
    themes: tuple[str, ...]  # EU data-theme codes (DCAT-AP dcat:theme)
    cadence: Cadence
    resources: tuple[ResourceSpec, ...]
    domain: str | None = None  # the domain (service line) of the equipment it is built from


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
    DatasetKind.traffic_counts: KindSpec(
        "Comptage des mobilités — {member}",
        "Comptages horaires des compteurs de la collectivité selon le schéma national de "
        "comptage des mobilités : sites, canaux (un par sens) et mesures.",
        ("comptage", "trafic", "mobilité", "comptage des mobilités"),
        ("TRAN",),
        Cadence.hourly,
        (
            ResourceSpec(
                "site", SchemaName.counts_site, "Sites de comptage", Geometry("xlong", "ylat")
            ),
            ResourceSpec("channel", SchemaName.counts_channel, "Canaux de comptage"),
            ResourceSpec("measure", SchemaName.counts_measure, "Mesures horaires"),
        ),
        Domain.traffic,
    ),
    DatasetKind.irve_static: KindSpec(
        "Infrastructures de recharge pour véhicules électriques (IRVE) — {member}",
        "Points de recharge de la collectivité selon le schéma national IRVE statique "
        "(décret 2017-26 modifié, arrêté du 4 mai 2021).",
        ("IRVE", "recharge", "véhicules électriques", "bornes"),
        ("TRAN", "ENER"),
        Cadence.snapshot,
        (
            ResourceSpec(
                "irve_static",
                SchemaName.irve_static,
                "IRVE statique",
                Geometry(geopoint="coordonneesXY"),
            ),
        ),
        Domain.charging,
    ),
    DatasetKind.irve_dynamic: KindSpec(
        "Disponibilité des points de recharge (IRVE dynamique) — {member}",
        "État et occupation actuels des points de recharge de la collectivité selon le schéma "
        "national IRVE dynamique.",
        ("IRVE", "recharge", "disponibilité", "temps réel"),
        ("TRAN", "ENER"),
        Cadence.snapshot,
        (ResourceSpec("irve_dynamic", SchemaName.irve_dynamic, "IRVE dynamique"),),
        Domain.charging,
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
