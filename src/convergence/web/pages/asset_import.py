"""Importing equipment from a CSV file, with the line-by-line report when it is refused."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from convergence import french_format as fr
from convergence.errors import Conflict, InvalidInput, PayloadTooLarge
from convergence.registry.csv_io import (
    COLUMNS,
    HEADER_ALIASES,
    ImportLimits,
    ImportReport,
    RowError,
    import_in_batches,
)
from convergence.web.deps import EngineDep, RuntimeDep, runtime_of
from convergence.web.pages.form_errors import french_part
from convergence.web.pages.member_choice import chosen_member, member_options
from convergence.web.pages.rendering import render_page
from convergence.web.pages.session import PageUser, WriterPage
from convergence.web.pages.submitted import FormDep

router = APIRouter()
FILE_FIELD = "fichier"


@router.get("/inventaire/import")
def import_page(request: Request, viewer: WriterPage, engine: EngineDep) -> Response:
    return _page(request, engine, viewer=viewer)


@router.post("/inventaire/import")
def import_file(
    request: Request, viewer: WriterPage, engine: EngineDep, runtime: RuntimeDep, form: FormDep
) -> Response:
    data = form.files.get(FILE_FIELD, b"")
    if not data.strip():
        return _page(request, engine, viewer=viewer, problem="Choisissez un fichier CSV non vide.")
    try:
        member_id = chosen_member(form, viewer=viewer)
        # Checked first, then written in short transactions: the others get through between.
        report = import_in_batches(
            runtime.engine,
            begin=runtime.begin,
            scope=viewer.scope,
            data=data,
            member_id=member_id,
            limits=ImportLimits.from_settings(runtime.settings),
            listeners=runtime.registry_listeners,
        )
    except (InvalidInput, PayloadTooLarge, Conflict) as error:
        # The header itself is wrong (unknown column, empty file), the file is too large, or a
        # device was registered meanwhile: nothing to list by line, nothing written.
        return _page(request, engine, viewer=viewer, problem=french_part(error.message))
    return _page(request, engine, viewer=viewer, report=report)


def _page(
    request: Request,
    engine: EngineDep,
    *,
    viewer: PageUser,
    report: ImportReport | None = None,
    problem: str = "",
) -> Response:
    with engine.connect() as conn:
        members = member_options(conn, viewer=viewer) if viewer.is_operator else {}
    refused = bool(problem) or (report is not None and not report.ok)
    return render_page(
        request,
        "inventory/import.html",
        viewer=viewer,
        status_code=422 if refused else 200,
        report=report,
        errors=[RowError(e.line, french_part(e.reason)) for e in report.errors] if report else [],
        problem=problem,
        members=members,
        columns=COLUMNS,
        aliases=HEADER_ALIASES,
        limits=_limits_text(ImportLimits.from_settings(runtime_of(request.app).settings)),
    )


def _limits_text(limits: ImportLimits) -> str:
    """« 20 000 lignes et 5 Mo »: what one file may hold."""
    megabytes = fr.number(limits.max_bytes / (1024 * 1024), 1).removesuffix(",0")
    return f"{fr.number(limits.max_rows, 0)} lignes et {megabytes} Mo"
