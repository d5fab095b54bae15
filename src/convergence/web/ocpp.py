"""The OCPP WebSocket endpoint ``/ocpp/{charge_point_id}`` (OCPP-J 1.6 and 2.0.1).

The handshake is decided before the WebSocket is accepted: the subprotocol (``ocpp2.0.1``
preferred, then ``ocpp1.6``; anything else gets HTTP 400), then the charge point — it must be
registered as an asset with this ``ocpp_id`` and send its password with HTTP Basic (security
profiles 1 and 2; TLS ends at the reverse proxy, see docs/ocpp.md), else HTTP 401. An
unknown charge point is also listed among the discovered devices.
"""

from __future__ import annotations

from fastapi import APIRouter, WebSocket
from starlette.responses import PlainTextResponse
from starlette.websockets import WebSocketDisconnect

from convergence.charging.kinds import SUBPROTOCOL_PREFERENCE, Protocol
from convergence.charging.ocpp import frames
from convergence.charging.ocpp.central import ConnectionLost, Handshake, HandshakeRefused
from convergence.web.deps import runtime_of

router = APIRouter()
POLICY_VIOLATION = 1008
GOING_AWAY = 1001


class StarletteConnection:
    """A Starlette WebSocket with the ``recv``/``send`` of the ``ocpp`` library."""

    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket

    async def recv(self) -> str:
        message = await self.websocket.receive()
        if message["type"] == "websocket.disconnect":
            raise ConnectionLost(f"closed with code {message.get('code')}")
        text = message.get("text")
        if text is None:  # OCPP-J is text frames; read a binary one as UTF-8 all the same
            text = (message.get("bytes") or b"").decode("utf-8", errors="replace")
        return frames.bounded(str(text))

    async def send(self, message: str) -> None:
        try:
            await self.websocket.send_text(message)
        except (WebSocketDisconnect, RuntimeError, OSError) as error:
            raise ConnectionLost(str(error)) from error

    async def close(self) -> None:
        """Close: the charge point opened another connection (1001: going away)."""
        await self.websocket.close(code=GOING_AWAY, reason="replaced by a new connection")


def negotiate(offered: list[str]) -> Protocol | None:
    """The subprotocol to answer with, in the server's order of preference."""
    return next((p for p in SUBPROTOCOL_PREFERENCE if p.value in offered), None)


@router.websocket("/ocpp/{charge_point_id}")
async def ocpp_endpoint(websocket: WebSocket, charge_point_id: str) -> None:
    """One charge point's OCPP-J connection."""
    offered = list(websocket.scope.get("subprotocols") or [])
    protocol = negotiate(offered)
    if protocol is None:
        await _deny(websocket, 400, "subprotocol ocpp1.6 or ocpp2.0.1 required")
        return
    client = websocket.client
    handshake = Handshake(
        ocpp_id=charge_point_id,
        path=websocket.url.path,
        subprotocols=tuple(offered),
        authorization=websocket.headers.get("authorization"),
        user_agent=websocket.headers.get("user-agent"),
        remote_host=client.host if client else None,
    )
    central = runtime_of(websocket.app).central_system
    try:
        ref = await central.identify(handshake)
    except HandshakeRefused as refused:
        await _deny(websocket, refused.status_code, refused.reason)
        return
    await websocket.accept(subprotocol=protocol.value)
    await central.serve(ref=ref, protocol=protocol, connection=StarletteConnection(websocket))


async def _deny(websocket: WebSocket, status_code: int, reason: str) -> None:
    headers = (
        {"WWW-Authenticate": 'Basic realm="ocpp", charset="UTF-8"'} if status_code == 401 else {}
    )
    try:
        await websocket.send_denial_response(
            PlainTextResponse(reason, status_code=status_code, headers=headers)
        )
    except RuntimeError:  # a server without the denial-response extension: a plain 403
        await websocket.close(code=POLICY_VIOLATION, reason=reason)
