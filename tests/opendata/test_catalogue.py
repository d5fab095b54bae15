"""The catalogue lists published datasets only, with DCAT-AP metadata in JSON-LD."""

from __future__ import annotations

import warnings

from fastapi.testclient import TestClient
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from tests.opendata.planting import create_dataset, engine_of, plant_measurements, publish
from tests.support import Territory

INSEE = Namespace("http://id.insee.fr/geo/commune/")
DATASET_PROPERTIES = (
    DCTERMS.title,
    DCTERMS.description,
    DCTERMS.publisher,
    DCTERMS.license,
    DCTERMS.spatial,
    DCTERMS.temporal,
    DCTERMS.issued,
    DCTERMS.modified,
    DCAT.keyword,
    DCAT.theme,
    DCAT.contactPoint,
    DCAT.distribution,
)
DISTRIBUTION_PROPERTIES = (
    DCAT.accessURL,
    DCAT.downloadURL,
    DCAT.mediaType,
    DCTERMS.format,
    DCTERMS.license,
    DCTERMS.conformsTo,
)


def parse_jsonld(text: str) -> Graph:
    """The RDF graph of a JSON-LD document (offline: its context is inline)."""
    with warnings.catch_warnings():
        # rdflib's own JSON-LD parser still builds a ConjunctiveGraph, which it deprecates.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return Graph().parse(data=text, format="json-ld")


def _published_and_hidden(client: TestClient, territory: Territory) -> tuple[int, int, int]:
    plant_measurements(engine_of(client), territory.boulogne, "Boulogne")
    plant_measurements(engine_of(client), territory.versailles, "Versailles")
    air = create_dataset(client, territory.boulogne, "air_daily")
    counts = create_dataset(client, territory.boulogne, "traffic_counts")
    hidden = create_dataset(client, territory.versailles, "air_daily")
    publish(client, territory.boulogne, air)
    publish(client, territory.boulogne, counts)
    return air, counts, hidden


def test_the_public_list_shows_only_published_datasets(
    client: TestClient, territory: Territory
) -> None:
    air, counts, hidden = _published_and_hidden(client, territory)
    listed = client.get("/api/public/v1/datasets").json()["items"]
    assert sorted(item["id"] for item in listed) == sorted([air, counts])
    first = next(item for item in listed if item["id"] == air)
    assert first["licence"] == "etalab-2.0"
    assert first["publisher"] == {"name": "Boulogne-Billancourt", "siren": "219200128"}
    assert first["communes"] == ["92012"]
    assert first["temporal_start"] is not None
    assert {d["format"] for d in first["distributions"]} == {"csv", "geojson", "parquet"}
    assert client.get(f"/api/public/v1/datasets/{hidden}").status_code == 404


def test_unpublishing_removes_a_dataset_from_the_catalogue(
    client: TestClient, territory: Territory
) -> None:
    air, counts, _ = _published_and_hidden(client, territory)
    response = client.post(
        f"/api/v1/opendata/datasets/{air}/unpublish", headers=territory.boulogne.bearer()
    )
    assert response.status_code == 200
    assert [item["id"] for item in client.get("/api/public/v1/datasets").json()["items"]] == [
        counts
    ]
    assert client.get(f"/api/public/v1/datasets/{air}").status_code == 404
    assert client.get(f"/api/public/v1/datasets/{air}/files/air_daily.csv").status_code == 404


def test_the_dcat_ap_catalogue_has_the_required_properties(
    client: TestClient, territory: Territory
) -> None:
    air, counts, hidden = _published_and_hidden(client, territory)
    response = client.get("/opendata/catalog.jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    graph = parse_jsonld(response.text)
    (catalog,) = graph.subjects(RDF.type, DCAT.Catalog)
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCTERMS.license):
        assert graph.value(catalog, prop) is not None, prop
    found = sorted(graph.objects(catalog, DCAT.dataset), key=str)
    base = "http://testserver/api/public/v1/datasets/"
    assert found == sorted(URIRef(f"{base}{n}") for n in (air, counts))
    for dataset in found:
        assert (dataset, RDF.type, DCAT.Dataset) in graph
        missing = [p for p in DATASET_PROPERTIES if graph.value(dataset, p) is None]
        assert missing == [], (dataset, missing)
        publisher = graph.value(dataset, DCTERMS.publisher)
        assert graph.value(publisher, FOAF.name) == Literal("Boulogne-Billancourt")
        assert (dataset, DCTERMS.spatial, INSEE["92012"]) in graph
        assert graph.value(graph.value(dataset, DCTERMS.temporal), DCAT.startDate) is not None
        for distribution in graph.objects(dataset, DCAT.distribution):
            absent = [p for p in DISTRIBUTION_PROPERTIES if graph.value(distribution, p) is None]
            assert absent == [], (distribution, absent)
    assert URIRef(f"{base}{hidden}") not in set(graph.subjects())


def test_distributions_name_their_media_type_and_schema(
    client: TestClient, territory: Territory
) -> None:
    _, counts, _ = _published_and_hidden(client, territory)
    graph = parse_jsonld(client.get("/opendata/catalog.jsonld").text)
    dataset = URIRef(f"http://testserver/api/public/v1/datasets/{counts}")
    media = {str(graph.value(d, DCAT.mediaType)) for d in graph.objects(dataset, DCAT.distribution)}
    assert media == {
        "https://www.iana.org/assignments/media-types/text/csv",
        "https://www.iana.org/assignments/media-types/application/geo+json",
        "https://www.iana.org/assignments/media-types/application/vnd.apache.parquet",
    }
    schemas = {
        str(graph.value(d, DCTERMS.conformsTo)) for d in graph.objects(dataset, DCAT.distribution)
    }
    assert "http://testserver/api/public/v1/schemas/comptage-mobilites-measure.json" in schemas
    schema = client.get("/api/public/v1/schemas/comptage-mobilites-measure.json").json()
    assert "transcription" in schema["title"]


def test_a_national_schema_points_at_its_official_page(
    client: TestClient, territory: Territory
) -> None:
    air, counts, _ = _published_and_hidden(client, territory)
    pages = {
        d["resource"]: d["official_schema_page"]
        for d in client.get(f"/api/public/v1/datasets/{counts}").json()["distributions"]
    }
    assert pages == {
        "site": "https://schema.data.gouv.fr/etalab/schema-comptage-mobilites-site/",
        "channel": "https://schema.data.gouv.fr/etalab/schema-comptage-mobilites-channel/",
        "measure": "https://schema.data.gouv.fr/etalab/schema-comptage-mobilites-measure/",
    }
    own = client.get(f"/api/public/v1/datasets/{air}").json()["distributions"]
    assert {d["official_schema_page"] for d in own} == {None}
