"""The codec workbench: try a codec on a payload before deploying a device."""

from __future__ import annotations

from fastapi import APIRouter

from convergence.db.types import utcnow
from convergence.decoders.workbench import TryAnswer, TryRequest, try_decoder
from convergence.web.deps import ReadScope, RuntimeDep

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
