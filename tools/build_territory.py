"""Build the territory reference data shipped in ``convergence.territory`` from the shared sources.

Usage, from the repository root::

    python tools/build_territory.py [SOURCE_DIR] [--output DIR]

SOURCE_DIR defaults to ``../shared/data/communes`` (see its README.md). The output is
deterministic: running the script twice on the same sources gives byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = Path("../shared/data/communes")
DEFAULT_OUTPUT = REPO_ROOT / "src" / "convergence" / "territory" / "data"
DATA_FILE = "territory.json"
FORMAT_VERSION = 1
# The sources are rounded to 5 decimals (about 1.1 m); keep that grid so the union adds no noise.
GRID = 1e-5
DECIMALS = 5
DEPARTEMENTS = {"78": "yvelines", "92": "hauts-de-seine"}
SOURCE_FILES = (
    "communes-78-yvelines.geojson",
    "communes-92-hauts-de-seine.geojson",
    "departement-78-yvelines.geojson",
    "departement-92-hauts-de-seine.geojson",
    "communes-78-92-cog2026.json",
    "epci-78-92-cog2026.json",
    "ept-92-cog2026.json",
    "communes-78-92-cog2026.csv",
    "geojson2018-to-cog2026.csv",
)


class SourceError(Exception):
    """The source folder does not hold what its README promises."""


@dataclass(frozen=True)
class Sources:
    """The parsed source files."""

    communes: list[dict[str, Any]]
    epcis: list[dict[str, Any]]
    epts: list[dict[str, Any]]
    flat_rows: list[dict[str, str]]
    features_2018: list[dict[str, Any]]
    code_2018_to_2026: dict[str, str]
    departement_names: dict[str, str]


def read_json(path: Path) -> Any:
    """Parse one JSON file."""
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def read_csv(path: Path) -> list[dict[str, str]]:
    """Parse one CSV file into dictionaries."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_sources(source: Path) -> Sources:
    """Read every source file the build needs."""
    missing = [name for name in SOURCE_FILES if not (source / name).is_file()]
    if missing:
        raise SourceError(f"{source} lacks {', '.join(missing)}")
    features: list[dict[str, Any]] = []
    names: dict[str, str] = {}
    for code, slug in DEPARTEMENTS.items():
        features += read_json(source / f"communes-{code}-{slug}.geojson")["features"]
        names[code] = read_json(source / f"departement-{code}-{slug}.geojson")["properties"]["nom"]
    mapping_rows = read_csv(source / "geojson2018-to-cog2026.csv")
    return Sources(
        communes=read_json(source / "communes-78-92-cog2026.json"),
        epcis=read_json(source / "epci-78-92-cog2026.json"),
        epts=read_json(source / "ept-92-cog2026.json"),
        flat_rows=read_csv(source / "communes-78-92-cog2026.csv"),
        features_2018=features,
        code_2018_to_2026={r["code_geojson_2018"]: r["code_insee_cog2026"] for r in mapping_rows},
        departement_names=names,
    )


def dissolve_boundaries(sources: Sources) -> dict[str, BaseGeometry]:
    """Union the 2018 outlines by their COG 2026 commune (the three 2019 mergers)."""
    parts: dict[str, list[BaseGeometry]] = defaultdict(list)
    for feature in sources.features_2018:
        code_2018 = feature["properties"]["code"]
        parts[sources.code_2018_to_2026[code_2018]].append(shape(feature["geometry"]))
    return {insee: on_grid(shapely.union_all(geoms)) for insee, geoms in sorted(parts.items())}


def on_grid(geometry: BaseGeometry) -> BaseGeometry:
    """Snap to the 5-decimal grid of the sources, keeping the geometry valid."""
    snapped: BaseGeometry = shapely.set_precision(geometry, GRID)
    if not snapped.is_valid or snapped.is_empty:
        raise SourceError(f"geometry became invalid on the {GRID} grid: {snapped.wkt[:80]}")
    return snapped


def rounded(coordinates: Any) -> Any:
    """Nested coordinate tuples as lists of floats rounded to the grid."""
    if isinstance(coordinates, float | int):
        return round(float(coordinates), DECIMALS)
    return [rounded(item) for item in coordinates]


def geojson(geometry: BaseGeometry) -> dict[str, Any]:
    """A GeoJSON geometry object with rounded coordinates."""
    raw = mapping(geometry)
    return {"type": raw["type"], "coordinates": rounded(raw["coordinates"])}


def membership(groups: list[dict[str, Any]]) -> dict[str, str]:
    """Map each member commune's INSEE code to its group's SIREN."""
    owner: dict[str, str] = {}
    for group in groups:
        for member in group["membres"]:
            if member["code"] in owner:
                raise SourceError(f"commune {member['code']} belongs to two groups")
            owner[member["code"]] = group["code"]
    return owner


def current_communes(sources: Sources) -> list[dict[str, Any]]:
    """The COG 2026 ``commune-actuelle`` records, by INSEE code."""
    records = [r for r in sources.communes if r["type"] == "commune-actuelle"]
    return sorted(records, key=lambda record: str(record["code"]))


def commune_records(sources: Sources, boundaries: dict[str, BaseGeometry]) -> list[dict[str, Any]]:
    """One output record per current commune."""
    epci_of, ept_of = membership(sources.epcis), membership(sources.epts)
    records = []
    for record in current_communes(sources):
        insee = record["code"]
        records.append(
            {
                "insee": insee,
                "name": record["nom"],
                "departement": record["departement"],
                "siren": record["siren"],
                "population": record["population"],
                "epci_siren": epci_of.get(insee),
                "ept_siren": ept_of.get(insee),
                "boundary": geojson(boundaries[insee]),
            }
        )
    return records


def epci_records(sources: Sources) -> list[dict[str, Any]]:
    """One output record per EPCI and EPT, with every member (also those outside 78 and 92)."""
    records = [
        {
            "siren": group["code"],
            "name": group["nom"],
            "kind": group["type"],
            "members": sorted(member["code"] for member in group["membres"]),
        }
        for group in [*sources.epcis, *sources.epts]
    ]
    return sorted(records, key=lambda record: str(record["siren"]))


def departement_records(
    sources: Sources, boundaries: dict[str, BaseGeometry]
) -> list[dict[str, Any]]:
    """One record per département; its outline is the union of its communes' boundaries."""
    # The union shares every vertex with the commune boundaries, unlike the separately
    # simplified departement-*.geojson outlines, so maps and lookups never disagree.
    by_departement: dict[str, list[BaseGeometry]] = defaultdict(list)
    for record in current_communes(sources):
        by_departement[record["departement"]].append(boundaries[record["code"]])
    return [
        {
            "code": code,
            "name": sources.departement_names[code],
            "outline": geojson(on_grid(shapely.union_all(by_departement[code]))),
        }
        for code in sorted(DEPARTEMENTS)
    ]


def check_consistency(sources: Sources, communes: list[dict[str, Any]]) -> None:
    """Refuse to build when the JSON sources and the flat CSV disagree."""
    flat = {row["code_insee"]: row for row in sources.flat_rows}
    if set(flat) != {c["insee"] for c in communes}:
        raise SourceError("communes-78-92-cog2026.csv and the COG JSON list different communes")
    for commune in communes:
        row = flat[commune["insee"]]
        expected = (row["nom"], int(row["population_municipale"]), row["epci_siren"] or None)
        actual = (commune["name"], commune["population"], commune["epci_siren"])
        if expected != actual or (row["ept_code"] or None) != commune["ept_siren"]:
            raise SourceError(f"commune {commune['insee']}: CSV says {expected}, JSON {actual}")


def build_document(sources: Sources) -> dict[str, Any]:
    """The whole reference document written to ``territory.json``."""
    boundaries = dissolve_boundaries(sources)
    communes = commune_records(sources, boundaries)
    if set(boundaries) != {c["insee"] for c in communes}:
        raise SourceError("the 2018 outlines do not map one-to-one onto the COG 2026 communes")
    check_consistency(sources, communes)
    return {
        "format": FORMAT_VERSION,
        "cog": 2026,
        "departements": departement_records(sources, boundaries),
        "epcis": epci_records(sources),
        "communes": communes,
    }


def compact(value: Any) -> str:
    """JSON without spaces, keeping accented letters readable."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def serialise(document: dict[str, Any]) -> str:
    """Compact JSON with one record per line, so that diffs between builds stay readable."""
    parts = [f'"format":{document["format"]},"cog":{document["cog"]}']
    for section in ("departements", "epcis", "communes"):
        records = ",\n".join(compact(record) for record in document[section])
        parts.append(f'"{section}":[\n{records}\n]')
    return "{" + ",\n".join(parts) + "}\n"


def sha256(path: Path) -> str:
    """The hex SHA-256 of one file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def readme(source: Path, document: dict[str, Any]) -> str:
    """The provenance README written next to the data."""
    checksums = "\n".join(f"| `{name}` | `{sha256(source / name)}` |" for name in SOURCE_FILES)
    counts = {
        code: sum(1 for c in document["communes"] if c["departement"] == code)
        for code in sorted(DEPARTEMENTS)
    }
    return README_TEMPLATE.format(
        checksums=checksums,
        communes=len(document["communes"]),
        count_78=counts["78"],
        count_92=counts["92"],
        epcis=len(document["epcis"]),
    )


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, build, write; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    try:
        sources = read_sources(args.source)
        document = build_document(sources)
    except SourceError as error:
        print(f"error: {error}")
        return 2
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / DATA_FILE).write_text(serialise(document), encoding="utf-8")
    (args.output / "README.md").write_text(readme(args.source, document), encoding="utf-8")
    print(f"wrote {len(document['communes'])} communes to {args.output / DATA_FILE}")
    return 0


README_TEMPLATE = """\
# Territory reference data (COG 2026): Yvelines (78) and Hauts-de-Seine (92)

`territory.json` is generated by `tools/build_territory.py`; do not edit it by hand.

## Contents

- `departements`: code, name and outline (the union of the département's commune boundaries).
- `epcis`: the {epcis} EPCI à fiscalité propre and établissements publics territoriaux (EPT)
  having member communes in 78 or 92: SIREN, name, kind (`CA`, `CC`, `CU`, `METRO`, `EPT`)
  and the INSEE codes of **all** their members, including communes outside 78 and 92.
- `communes`: the {communes} communes ({count_78} in 78, {count_92} in 92): INSEE code, COG 2026
  name, département, SIREN, population municipale, EPCI SIREN, EPT SIREN (92 only) and the
  boundary as a GeoJSON geometry (WGS84 lon/lat, 5 decimals, about 1.1 m).

One record per line, so that a rebuild shows as a readable diff.

## Licence

This data is derived from the two sources below and stays under their Etalab **Licence
Ouverte**, not under the licence of the Convergence code. Whoever redistributes it, or shows
it (maps, exports), must keep both attributions quoted below.

## Provenance

### Boundaries: IGN ADMIN EXPRESS COG 2018, via `gregoiredavid/france-geojson`

- Repository: https://github.com/gregoiredavid/france-geojson, branch `master`, commit
  `5d34ee6d0140c29f785fdb047d9329f1aab58833` (2018-10-16, tag `v2.1.1`). The files used were
  last changed in commit `45daa2d069a8da3ec4efb6672388fc3dc02e36e2` (2018-08-01).
- Upstream: INSEE Code Officiel Géographique 2018 and IGN ADMIN EXPRESS COG 2018, simplified
  with mapshaper (Visvalingam weighted, 25 %), coordinates rounded to 5 decimals.
- Licence: Etalab **Licence Ouverte** (IGN ADMIN EXPRESS conditions of use).
- Attribution: **"IGN – ADMIN EXPRESS COG 2018, via gregoiredavid/france-geojson"**.
- Three mergers of 1 January 2019 are dissolved here (union of the 2018 outlines by COG 2026
  code): Jeufosse + Port-Villez = Notre-Dame-de-la-Mer (78320); Le Chesnay + Rocquencourt =
  Le Chesnay-Rocquencourt (78158); Saint-Germain-en-Laye + Fourqueux = Saint-Germain-en-Laye
  (78551).
- The outlines are simplified: a point within a few metres of a border may resolve to the
  neighbouring commune.

### Names, populations, EPCI and EPT: `@etalab/decoupage-administratif` 6.0.0 (COG 2026)

- npm package `@etalab/decoupage-administratif` version 6.0.0 (2026-04-09, "millésime 2026"),
  tarball shasum `0330556cf07e21fff21111e5775a316ec18b9636`; source repository
  https://github.com/datagouv/decoupage-administratif. Files `data/communes.json`,
  `data/epci.json`, `data/ept.json`.
- Licence: data under Etalab **Licence Ouverte**.
- Attribution: **"@etalab/decoupage-administratif 6.0.0"**.
- Upstream: INSEE COG, DGCL list of EPCI (`epcicom2026.xlsx`), INSEE EPT list, INSEE
  populations légales (https://www.insee.fr/fr/statistiques/8680726).
- `population` is the population municipale (column `PMUN`).

## Rebuild

From the repository root, with the shared data folder next to it:

    python tools/build_territory.py ../shared/data/communes

The build is deterministic. It checked these source files (SHA-256):

| file | sha256 |
|---|---|
{checksums}
"""


if __name__ == "__main__":
    raise SystemExit(main())
