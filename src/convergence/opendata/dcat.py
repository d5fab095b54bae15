"""The catalogue as DCAT-AP 2 metadata in JSON-LD: a dcat:Catalog of dcat:Dataset.

Each dataset names its publisher (the member, foaf:Organization with its SIREN), its
licence (dct:LicenseDocument), the communes it covers (dct:spatial, INSEE commune URIs),
the period its data covers (dct:temporal), EU data themes, and one dcat:Distribution per
file and format with its media type (IANA), file type (EU vocabulary), download URL and
the Table Schema it conforms to.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from convergence.opendata.catalogue import dataset_url
from convergence.opendata.kinds import FILE_TYPE_URIS, Licence
from convergence.opendata.schemas import DistributionOut, PublicDatasetOut, PublisherOut
from convergence.opendata.specs import KIND_SPECS

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
CATALOG_PATH = "/opendata/catalog.jsonld"
MEDIA_TYPE = "application/ld+json"
INSEE_COMMUNE = "http://id.insee.fr/geo/commune/"
DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
FRENCH = "http://publications.europa.eu/resource/authority/language/FRA"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
SIREN_PAGE = "https://annuaire-entreprises.data.gouv.fr/entreprise/"


def catalog_document(
    items: Sequence[PublicDatasetOut], *, base_url: str, operator: PublisherOut | None
) -> dict[str, Any]:
    """The whole catalogue of published datasets as one JSON-LD document."""
    base = base_url.rstrip("/")
    modified = max((item.updated_at for item in items), default=None)
    return {
        "@context": CONTEXT,
        "@id": f"{base}{CATALOG_PATH}",
        "@type": "dcat:Catalog",
        "dct:title": _fr("Données ouvertes des adhérents — Convergence"),
        "dct:description": _fr(
            "Jeux de données que les collectivités adhérentes ont choisi de publier : "
            "inventaire des équipements connectés, mesures et comptages, bornes de recharge."
        ),
        "dct:publisher": _publisher(operator or PublisherOut(name="Convergence", siren="")),
        "dct:language": {"@id": FRENCH},
        "dct:license": _licence(Licence.etalab_2_0),
        "foaf:homepage": {"@id": f"{base}/"},
        "dcat:themeTaxonomy": {"@id": DATA_THEME.rstrip("/")},
        **({"dct:modified": _instant(modified)} if modified else {}),
        "dcat:dataset": [_dataset(item, base) for item in items],
    }


def _dataset(item: PublicDatasetOut, base: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@id": dataset_url(base, item.id),
        "@type": "dcat:Dataset",
        "dct:identifier": str(item.id),
        "dct:title": _fr(item.title),
        "dct:description": _fr(item.description),
        "dct:publisher": _publisher(item.publisher),
        "dcat:contactPoint": {"@type": "vcard:Organization", "vcard:fn": item.publisher.name},
        "dct:license": _licence(item.licence),
        "dct:spatial": [_commune(code) for code in item.communes],
        "dcat:keyword": [_fr(word) for word in item.keywords],
        "dcat:theme": [{"@id": f"{DATA_THEME}{t}"} for t in KIND_SPECS[item.kind].themes],
        "dcat:landingPage": {"@id": dataset_url(base, item.id)},
        "dct:modified": _instant(item.updated_at),
        "dcat:distribution": [_distribution(d, item) for d in item.distributions],
    }
    if item.published_at is not None:
        document["dct:issued"] = _instant(item.published_at)
    if item.temporal_start or item.temporal_end:
        document["dct:temporal"] = _period(item.temporal_start, item.temporal_end)
    return document


def _distribution(item: DistributionOut, dataset: PublicDatasetOut) -> dict[str, Any]:
    official = item.official_schema_page
    # The IRVE files are the official schemas; the others are served by the platform (the
    # comptage files transcribe the official ones, which rdfs:seeAlso points at).
    conforms = official if official and item.schema_name.startswith("schema-irve") else None
    document: dict[str, Any] = {
        "@id": f"{item.download_url}#distribution",
        "@type": "dcat:Distribution",
        "dct:title": _fr(item.title),
        "dcat:accessURL": {"@id": item.download_url.rsplit("/files/", 1)[0]},
        "dcat:downloadURL": {"@id": item.download_url},
        "dcat:mediaType": {"@id": f"{IANA_MEDIA_TYPES}{item.media_type}"},
        "dct:format": {"@id": FILE_TYPE_URIS[item.format]},
        "dct:license": _licence(dataset.licence),
        "dct:conformsTo": {"@id": conforms or item.schema_url},
    }
    if official and not conforms:
        document["rdfs:seeAlso"] = {"@id": official}
    return document


def _publisher(publisher: PublisherOut) -> dict[str, Any]:
    document: dict[str, Any] = {"@type": "foaf:Organization", "foaf:name": publisher.name}
    if publisher.siren:
        document["@id"] = f"{SIREN_PAGE}{publisher.siren}"
        document["dct:identifier"] = publisher.siren
    return document


def _licence(licence: Licence) -> dict[str, Any]:
    return {"@id": licence.uri, "@type": "dct:LicenseDocument", "rdfs:label": licence.title}


def _commune(code: str) -> dict[str, Any]:
    return {"@id": f"{INSEE_COMMUNE}{code}", "@type": "dct:Location", "dct:identifier": code}


def _period(start: date | None, end: date | None) -> dict[str, Any]:
    period: dict[str, Any] = {"@type": "dct:PeriodOfTime"}
    if start is not None:
        period["dcat:startDate"] = {"@value": start.isoformat(), "@type": "xsd:date"}
    if end is not None:
        period["dcat:endDate"] = {"@value": end.isoformat(), "@type": "xsd:date"}
    return period


def _fr(text: str) -> dict[str, str]:
    return {"@value": text, "@language": "fr"}


def _instant(value: datetime) -> dict[str, str]:
    return {"@value": value.isoformat(), "@type": "xsd:dateTime"}
