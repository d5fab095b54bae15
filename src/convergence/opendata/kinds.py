"""Sets of open data: dataset kinds, download formats, licences.

Dataset kinds are open: the core's (``DatasetKind``) and those the installed service lines
declare (``ServiceLine.datasets``); fields typed ``DatasetKindName`` accept exactly those.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from convergence.servicelines import service_lines


class DatasetKind(StrEnum):
    """The core's dataset kinds; each has one builder and one or more files. The lines bring
    theirs (the sensors' measurements, the traffic counts, the IRVE files) through
    ``ServiceLine.datasets``."""

    equipment = "equipment"


class DownloadFormat(StrEnum):
    """File formats of a distribution; GeoJSON only for located resources."""

    csv = "csv"
    geojson = "geojson"
    parquet = "parquet"


MEDIA_TYPES: dict[DownloadFormat, str] = {
    DownloadFormat.csv: "text/csv",
    DownloadFormat.geojson: "application/geo+json",
    DownloadFormat.parquet: "application/vnd.apache.parquet",
}
# The EU file-type authority table (DCAT-AP recommends it for dct:format).
FILE_TYPE_URIS: dict[DownloadFormat, str] = {
    DownloadFormat.csv: "http://publications.europa.eu/resource/authority/file-type/CSV",
    DownloadFormat.geojson: "http://publications.europa.eu/resource/authority/file-type/GEOJSON",
    DownloadFormat.parquet: "http://publications.europa.eu/resource/authority/file-type/PARQUET",
}


class Licence(StrEnum):
    """Licences a member may choose (SPDX identifiers); Licence Ouverte 2.0 by default."""

    etalab_2_0 = "etalab-2.0"
    odbl_1_0 = "odbl-1.0"
    cc_by_4_0 = "cc-by-4.0"
    cc0_1_0 = "cc0-1.0"

    @property
    def title(self) -> str:  # type: ignore[override]  # str.title is never called on it
        return _LICENCE_TITLES[self]

    @property
    def uri(self) -> str:
        return _LICENCE_URIS[self]


_LICENCE_TITLES = {
    Licence.etalab_2_0: "Licence Ouverte / Open Licence version 2.0",
    Licence.odbl_1_0: "Open Database License (ODbL) v1.0",
    Licence.cc_by_4_0: "Creative Commons Attribution 4.0 International",
    Licence.cc0_1_0: "Creative Commons Zero v1.0 Universal",
}
_LICENCE_URIS = {
    Licence.etalab_2_0: "https://spdx.org/licenses/etalab-2.0.html",
    Licence.odbl_1_0: "https://spdx.org/licenses/ODbL-1.0.html",
    Licence.cc_by_4_0: "https://spdx.org/licenses/CC-BY-4.0.html",
    Licence.cc0_1_0: "https://spdx.org/licenses/CC0-1.0.html",
}


def known_dataset_kinds() -> list[str]:
    """The core's dataset kinds, then those of the installed service lines."""
    core = [kind.value for kind in DatasetKind]
    return core + [d.kind for line in service_lines() for d in line.datasets if d.kind not in core]


def check_dataset_kind(value: str) -> str:
    """``value`` if it is a known dataset kind, else pydantic's enum error listing them."""
    known = known_dataset_kinds()
    if value not in known:
        expected = ", ".join(repr(k) for k in known)
        raise PydanticCustomError("enum", "Input should be {expected}", {"expected": expected})
    return value


DatasetKindName = Annotated[str, AfterValidator(check_dataset_kind)]
