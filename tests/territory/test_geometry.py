"""Which commune a point lies in, who borders whom, and the boundaries drawn on maps."""

from __future__ import annotations

import math
import random

import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point, shape

from convergence.errors import InvalidInput, NotFound
from convergence.territory.geometry import (
    commune_centroid,
    commune_geojson,
    commune_neighbours,
    departement_geojson,
    load_commune_index,
    resolve_commune,
    resolve_communes,
    territory_geojson,
)
from convergence.territory.reference import load_territory

VERSAILLES_TOWN_HALL = (2.1301, 48.8049)
PARIS_HOTEL_DE_VILLE = (2.3522, 48.8566)


def test_versailles_town_hall_is_in_versailles() -> None:
    assert resolve_commune(*VERSAILLES_TOWN_HALL) == "78646"


def test_paris_is_outside_the_territory() -> None:
    assert resolve_commune(*PARIS_HOTEL_DE_VILLE) is None


def test_the_middle_of_the_ocean_is_outside_the_territory() -> None:
    assert resolve_commune(-30.0, 40.0) is None


@pytest.mark.parametrize(
    "point",
    [(2.2400, 48.8356), (2.2430, 48.8300), (2.2330, 48.8240)],
    ids=["town hall", "Billancourt", "île Seguin"],
)
def test_points_in_boulogne_billancourt(point: tuple[float, float]) -> None:
    assert resolve_commune(*point) == "92012"


@pytest.mark.parametrize(
    ("former_commune", "point", "insee"),
    [
        ("Rocquencourt", (2.1048, 48.8329), "78158"),
        ("Fourqueux", (2.0547, 48.8856), "78551"),
        ("Port-Villez", (1.5166, 49.0578), "78320"),
        ("Jeufosse", (1.5369, 49.0347), "78320"),
    ],
)
def test_communes_merged_in_2019_resolve_to_the_new_commune(
    former_commune: str, point: tuple[float, float], insee: str
) -> None:
    assert resolve_commune(*point) == insee, former_commune


def test_every_commune_contains_its_representative_point() -> None:
    index = load_commune_index()
    for insee, boundary in zip(index.codes, index.geometries, strict=True):
        point = boundary.representative_point()
        assert resolve_commune(point.x, point.y) == insee


def test_bulk_resolution_agrees_with_single_points() -> None:
    rng = random.Random(78_92)
    points = [(rng.uniform(1.4, 2.4), rng.uniform(48.4, 49.1)) for _ in range(3_000)]
    assert resolve_communes(points) == [resolve_commune(lon, lat) for lon, lat in points]


def test_bulk_resolution_of_nothing_is_nothing() -> None:
    assert resolve_communes([]) == []


def test_a_point_on_a_shared_border_goes_to_the_smallest_insee_code() -> None:
    index = load_commune_index()
    versailles = index.geometries[index.position("78646")]
    chesnay = index.geometries[index.position("78158")]
    border = shapely.line_merge(versailles.boundary.intersection(chesnay.boundary))
    vertices = list(border.coords)
    lon, lat = vertices[len(vertices) // 2]  # a vertex inside the border, away from the ends
    assert versailles.intersects(Point(lon, lat))
    assert chesnay.intersects(Point(lon, lat))
    assert resolve_commune(lon, lat) == "78158"
    assert resolve_communes([(lon, lat)] * 3) == ["78158"] * 3


@pytest.mark.parametrize(
    ("lon", "lat", "message"),
    [
        (200.0, 48.8, "longitude 200 is outside [-180, 180]"),
        (45.0, 120.0, "latitude 120 is outside [-90, 90]; did you swap lon and lat?"),
        (637_000.0, 6_857_000.0, "projected metres (Lambert-93?)"),
        (math.nan, 48.8, "longitude nan is not a finite number"),
        (2.13, -math.inf, "latitude -inf is not a finite number"),
    ],
)
def test_invalid_coordinates_say_what_is_wrong(lon: float, lat: float, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        resolve_commune(lon, lat)
    assert message in raised.value.message


def test_bulk_resolution_names_the_first_invalid_point() -> None:
    with pytest.raises(InvalidInput, match="point 1: latitude nan is not a finite number"):
        resolve_communes([VERSAILLES_TOWN_HALL, (2.0, math.nan), (500.0, 0.0)])


def test_bulk_resolution_refuses_what_is_not_pairs() -> None:
    with pytest.raises(InvalidInput, match="pairs"):
        resolve_communes([(2.0, 48.0, 0.0)])  # type: ignore[list-item]


def is_wgs84(lon: float, lat: float) -> bool:
    """Whether (lon, lat) is a finite point of the WGS84 ranges."""
    return math.isfinite(lon) and math.isfinite(lat) and abs(lon) <= 180 and abs(lat) <= 90


@given(st.floats(), st.floats())
def test_any_float_pair_gives_a_commune_none_or_invalid_input(lon: float, lat: float) -> None:
    try:
        insee = resolve_commune(lon, lat)
    except InvalidInput:
        assert not is_wgs84(lon, lat)
        return
    assert is_wgs84(lon, lat)
    assert insee is None or insee in {c.insee for c in load_territory().communes}


@given(st.lists(st.tuples(st.floats(), st.floats()), max_size=20))
def test_any_float_pairs_in_bulk_give_communes_none_or_invalid_input(
    points: list[tuple[float, float]],
) -> None:
    try:
        codes = resolve_communes(points)
    except InvalidInput:
        return
    assert len(codes) == len(points)


def test_versailles_borders_le_chesnay_rocquencourt() -> None:
    neighbours = commune_neighbours("78646")
    assert "78158" in neighbours
    assert "78646" not in neighbours
    assert {"92047", "92076", "92077"} <= neighbours  # across the départements' border


def test_neighbourhood_is_symmetric() -> None:
    for commune in load_territory().communes:
        for neighbour in commune_neighbours(commune.insee):
            assert commune.insee in commune_neighbours(neighbour)


def test_neighbours_of_an_unknown_commune_are_not_found() -> None:
    with pytest.raises(NotFound, match="78524"):
        commune_neighbours("78524")


def test_the_centroid_of_versailles_is_in_versailles() -> None:
    assert resolve_commune(*commune_centroid("78646")) == "78646"


def test_commune_geojson_is_a_feature_with_its_reference_data() -> None:
    feature = commune_geojson("78158")
    assert feature["type"] == "Feature"
    assert feature["properties"]["name"] == "Le Chesnay-Rocquencourt"
    assert feature["properties"]["epci_siren"] == "247800584"
    assert shape(feature["geometry"]).contains(Point(2.1048, 48.8329))  # former Rocquencourt


def test_territory_geojson_holds_every_commune() -> None:
    assert len(territory_geojson()["features"]) == 295
    hauts_de_seine = territory_geojson(departement="92")["features"]
    assert {f["properties"]["departement"] for f in hauts_de_seine} == {"92"}
    assert len(hauts_de_seine) == 36


def test_departement_outline_covers_its_communes() -> None:
    outline = shape(departement_geojson("78")["geometry"])
    assert outline.contains(Point(*VERSAILLES_TOWN_HALL))
    assert not outline.contains(Point(2.2400, 48.8356))  # Boulogne-Billancourt is in 92
