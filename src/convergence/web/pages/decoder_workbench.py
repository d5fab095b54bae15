"""« Tester un décodeur »: a technician tries a codec on a payload before deploying a device."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from convergence import french_format
from convergence.db.types import utcnow
from convergence.decoders.workbench import TryAnswer, TryRequest, try_decoder
from convergence.errors import ConvergenceError
from convergence.runtime import Runtime
from convergence.web.deps import RuntimeDep
from convergence.web.pages.form_errors import FieldErrors, domain_errors, field_errors
from convergence.web.pages.rendering import render_page
from convergence.web.pages.session import CurrentUserPage, PageUser
from convergence.web.pages.submitted import FormDep, SubmittedForm

router = APIRouter()
PATH = "/decodeurs/essai"
FIELDS = ("codec", "javascript", "fport", "payload")


@router.get(PATH)
def workbench_page(request: Request, viewer: CurrentUserPage, runtime: RuntimeDep) -> Response:
    return _page(request, viewer, runtime, values={"fport": "1"})


@router.post(PATH)
def try_on_page(
    request: Request, viewer: CurrentUserPage, runtime: RuntimeDep, form: FormDep
) -> Response:
    values = form.present(*FIELDS)
    try:
        data = _request_of(form)
        decoder = runtime.pipeline.codecs.named_or_pasted(
            codec=data.codec, javascript=data.javascript
        )
        answer = try_decoder(decoder, fport=data.fport, payload=data.payload(), now=utcnow())
    except ValidationError as error:
        return _page(request, viewer, runtime, values=values, errors=field_errors(error))
    except ConvergenceError as error:
        errors = domain_errors(error, fields={})
        return _page(request, viewer, runtime, values=values, errors=errors)
    return _page(request, viewer, runtime, values=values, answer=answer)


def _request_of(form: SubmittedForm) -> TryRequest:
    payload = form.text("payload")
    # Hexadecimal when it reads as such, base64 otherwise (ChirpStack and TTS show base64).
    is_hex = all(c in "0123456789abcdefABCDEF " for c in payload)
    fields: dict[str, Any] = {
        "codec": form.text("codec") or None,
        "javascript": form.text("javascript") or None,
        "fport": form.text("fport") or None,
    }
    if payload:
        fields["payload_hex" if is_hex else "payload_base64"] = payload
    if fields["javascript"] is not None:
        fields["codec"] = None  # pasted code wins over the list, as the page says
    return TryRequest.model_validate(fields)


def _page(
    request: Request,
    viewer: PageUser,
    runtime: Runtime,
    *,
    values: dict[str, str],
    errors: FieldErrors | None = None,
    answer: TryAnswer | None = None,
) -> Response:
    codecs = sorted(decoder.manifest.id for decoder in runtime.pipeline.codecs.registry)
    return render_page(
        request,
        "decoders/try.html",
        viewer=viewer,
        status_code=422 if errors else 200,
        codecs=[(codec, codec) for codec in codecs],
        values=values,
        errors=errors or {},
        answer=answer,
        fr=french_format,
    )
