"""The public, read-only open-data API (no authentication) and the DCAT-AP catalogue.

Only published datasets exist here: an unpublished one answers 404 exactly like a missing
one. Every route is rate-limited per client address with a token bucket held in this
process (so N worker processes allow N times the rate); over the limit the answer is 429
with ``Retry-After`` and the usual JSON error. The client address is the TCP peer's;
``X-Forwarded-For`` is used only when the peer is a configured trusted proxy (see
``convergence.opendata.forwarding``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute

from convergence.db.types import utcnow
from convergence.errors import NotFound
from convergence.opendata import catalogue, dcat, queries
from convergence.opendata.downloads import prepare_download
from convergence.opendata.forwarding import client_address
from convergence.opendata.gate import PublicGate
from convergence.opendata.schemas import PublicDatasetOut
from convergence.opendata.tableschemas import load_schema, schema_names
from convergence.web.api.opendata import ConfigDep, FromDay, ToDay, file_response
from convergence.web.api.pagination import Page, PageDep, paginate_sequence
from convergence.web.deps import EngineDep, SettingsDep, runtime_of
from convergence.web.errors import error_body


def _too_many(gate: PublicGate, wait: float) -> Response:
    seconds = max(1, math.ceil(wait))
    body = error_body(
        "rate_limited",
        f"trop de requêtes / too many requests: {gate.config.public_rate_per_minute} per minute "
        f"per client; retry in {seconds} s",
        retry_after_s=seconds,
    )
    return JSONResponse(body, status_code=429, headers={"Retry-After": str(seconds)})


class RateLimitedRoute(APIRoute):
    """A route that first takes a token from the client's bucket (429 when it is empty)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            gate = runtime_of(request.app).public_gate
            peer = request.client.host if request.client else None
            forwarded = request.headers.get("x-forwarded-for")
            key = client_address(peer, forwarded, gate.config.trusted_proxies)
            wait = gate.limiter.wait_time(key)
            if wait is not None:
                return _too_many(gate, wait)
            return await handler(request)

        return limited


router = APIRouter(route_class=RateLimitedRoute, tags=["open data (public)"])
PREFIX = catalogue.PUBLIC_API


def base_url(request: Request, settings: SettingsDep) -> str:
    """The public URL of the platform (setting ``public_url``), else the request's."""
    return settings.public_url or str(request.base_url)


@router.get(f"{PREFIX}/datasets", response_model=Page[PublicDatasetOut])
def list_public_datasets(
    request: Request, engine: EngineDep, settings: SettingsDep, page: PageDep
) -> Page[PublicDatasetOut]:
    """Every published dataset, with its files, schemas and licence (the DCAT catalogue at
    `/opendata/catalog.jsonld` holds them all in one document)."""
    with engine.connect() as conn:
        found = catalogue.public_catalogue(conn, base_url=base_url(request, settings))
    return paginate_sequence(found, page, key=lambda d: d.id)


@router.get(f"{PREFIX}/datasets/{{dataset_id}}", response_model=PublicDatasetOut)
def get_public_dataset(
    dataset_id: int, request: Request, engine: EngineDep, settings: SettingsDep
) -> PublicDatasetOut:
    """One published dataset; 404 when it does not exist or is not published."""
    with engine.connect() as conn:
        return catalogue.published_dataset(
            conn, dataset_id=dataset_id, base_url=base_url(request, settings)
        )


@router.get(f"{PREFIX}/datasets/{{dataset_id}}/files/{{file_name}}", response_class=Response)
def download(
    dataset_id: int,
    file_name: str,
    engine: EngineDep,
    config: ConfigDep,
    start: FromDay = None,
    end: ToDay = None,
) -> Response:
    """A file of a published dataset, built now and served only if it validates."""
    with engine.connect() as conn:
        dataset = queries.get_published_dataset_unscoped(conn, dataset_id=dataset_id)
        prepared = prepare_download(
            conn,
            dataset=dataset,
            file_name=file_name,
            start=start,
            end=end,
            config=config,
            now=utcnow(),
        )
    return file_response(prepared)


@router.get(f"{PREFIX}/schemas/{{file_name}}")
def table_schema(file_name: str) -> JSONResponse:
    """A Table Schema the files follow (`comptage-mobilites-measure.json`, …)."""
    stem = file_name.removesuffix(".json")
    if stem not in schema_names():
        raise NotFound(f"schéma {file_name} introuvable / schema not found")
    return JSONResponse(load_schema(stem))


@router.get(dcat.CATALOG_PATH, response_class=JSONResponse)
def catalog_jsonld(request: Request, engine: EngineDep, settings: SettingsDep) -> JSONResponse:
    """The catalogue of published datasets, DCAT-AP in JSON-LD."""
    url = base_url(request, settings)
    with engine.connect() as conn:
        items = catalogue.public_catalogue(conn, base_url=url)
        operator = catalogue.platform_operator(conn)
    document = dcat.catalog_document(items, base_url=url, operator=operator)
    return JSONResponse(document, media_type=dcat.MEDIA_TYPE)
