"""Open data: the public catalogue (what every member publishes, with its files), and for a
member's administrators, the choice of what to publish."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from convergence.errors import ConvergenceError
from convergence.opendata import catalogue, queries, service
from convergence.opendata.config import config_from_settings
from convergence.opendata.kinds import DatasetKindName, known_dataset_kinds
from convergence.opendata.schemas import DatasetCreate, DatasetOut
from convergence.opendata.specs import KIND_SPECS
from convergence.web.deps import EngineDep, SettingsDep
from convergence.web.pages.dashboard_rendering import render_data_page
from convergence.web.pages.rendering import flash
from convergence.web.pages.session import AdminPage, CurrentUserPage
from convergence.web.pages.submitted import FormDep

router = APIRouter()
PATH = "/donnees-ouvertes"


def french_part(message: str) -> str:
    return message.split(" / ")[0]


def own_datasets(datasets: list[DatasetOut], member_id: int) -> dict[str, DatasetOut]:
    return {str(d.kind): d for d in datasets if d.member_id == member_id}


@router.get(PATH)
def opendata_page(
    request: Request, viewer: CurrentUserPage, engine: EngineDep, settings: SettingsDep
) -> Response:
    base = settings.public_url or str(request.base_url)
    with engine.connect() as conn:
        published = catalogue.public_catalogue(conn, base_url=base)
        mine = own_datasets(queries.list_datasets(conn, scope=viewer.scope), viewer.scope.member_id)
    kinds = known_dataset_kinds()
    return render_data_page(
        request,
        "opendata/index.html",
        viewer=viewer,
        published=published,
        mine=mine,
        kinds=[(k, KIND_SPECS[k].description) for k in kinds],
        kind_titles={k: KIND_SPECS[k].title.replace(" — {member}", "") for k in kinds},
    )


@router.post(f"{PATH}/{{kind}}/publier")
def publish(
    request: Request,
    kind: DatasetKindName,
    viewer: AdminPage,
    engine: EngineDep,
    settings: SettingsDep,
    form: FormDep,
) -> Response:
    scope = viewer.scope
    try:
        with engine.begin() as conn:
            found = own_datasets(queries.list_datasets(conn, scope=scope), scope.member_id)
            dataset = found.get(kind) or service.create_dataset(
                conn, scope=scope, data=DatasetCreate(kind=kind)
            )
            service.publish_dataset(
                conn, scope=scope, dataset_id=dataset.id, config=config_from_settings(settings)
            )
        flash(request, f"« {dataset.title} » est publié : il figure au catalogue ci-dessous.")
    except ConvergenceError as error:
        flash(request, f"Publication impossible : {french_part(error.message)}.")
    return RedirectResponse(PATH, status_code=303)


@router.post(f"{PATH}/{{kind}}/retirer")
def unpublish(
    request: Request, kind: DatasetKindName, viewer: AdminPage, engine: EngineDep, form: FormDep
) -> Response:
    scope = viewer.scope
    with engine.begin() as conn:
        found = own_datasets(queries.list_datasets(conn, scope=scope), scope.member_id)
        if kind in found:
            service.unpublish_dataset(conn, scope=scope, dataset_id=found[kind].id)
            flash(request, f"« {found[kind].title} » n'est plus publié.")
    return RedirectResponse(PATH, status_code=303)
