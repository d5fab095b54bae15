"""The codec workbench: try a codec on a payload before deploying a device."""

from __future__ import annotations

from fastapi import APIRouter, Response

from convergence.db.types import utcnow
from convergence.decoders.workbench import TryAnswer, TryRequest, try_decoder
from convergence.errors import NotFound
from convergence.ingest.schemas import CodecSuspensionOut
from convergence.members.scope import require_operator
from convergence.web.api.pagination import Page, PageDep, paginate_sequence
from convergence.web.deps import ReadScope, RuntimeDep, ScopeDep

router = APIRouter(tags=["decoders"])


@router.post("/decoders/try", response_model=TryAnswer)
def try_a_decoder(data: TryRequest, scope: ReadScope, runtime: RuntimeDep) -> TryAnswer:
    """Decode one payload with a codec id or pasted JavaScript; nothing is stored.

    The answer carries the decoded object, the normalised readings (each with the reason
    ingestion would refuse it, if any), the codec's warnings and errors, and the sandbox limit
    hit, if one was (`limit`: timeout, memory, stack_overflow; `limit_label` in French).
    """
    decoder = runtime.pipeline.codecs.named_or_pasted(codec=data.codec, javascript=data.javascript)
    return try_decoder(
        decoder, fport=data.fport, payload=data.payload(), now=utcnow(), field_map=data.field_map
    )


@router.get("/decoders/suspended", response_model=Page[CodecSuspensionOut])
def suspended_codecs(
    scope: ScopeDep, runtime: RuntimeDep, page: PageDep
) -> Page[CodecSuspensionOut]:
    """The codecs this server suspended after failing again and again (operator)."""
    require_operator(scope)
    current = runtime.pipeline.codecs.suspensions.current()
    items = [CodecSuspensionOut.model_validate(s, from_attributes=True) for s in current]
    return paginate_sequence(items, page, key=lambda s: s.codec)


@router.delete("/decoders/suspended/{codec}", status_code=204)
def lift_suspension(codec: str, scope: ScopeDep, runtime: RuntimeDep) -> Response:
    """Let a suspended codec run again before its time (operator)."""
    require_operator(scope)
    if not runtime.pipeline.codecs.suspensions.lift(codec):
        raise NotFound(f"le codec {codec} n'est pas suspendu / codec {codec} is not suspended")
    return Response(status_code=204)
