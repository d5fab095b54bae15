"""Security headers on every answer: a Content-Security-Policy without inline script, no
framing, no MIME sniffing, a discreet Referer, and HSTS in production.

The pages load scripts only from this origin (``/static``, ``/vendor``): an injected
``<script>`` or ``onclick`` would not run even if escaping failed somewhere. Styles allow
``'unsafe-inline'`` because Plotly and Leaflet set styles from script and a few badges carry
their colour in a ``style`` attribute; styles cannot run code. Map tiles may come from the
server named by ``CONVERGENCE_TILE_URL``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from convergence.settings import Environment, Settings

HSTS = "max-age=63072000; includeSubDomains"


def tile_origin(tile_url: str | None) -> str | None:
    """The CSP source of the tile server (``{s}`` subdomains become a wildcard)."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url.replace("{s}", "*"))
    if parts.scheme not in ("http", "https") or not parts.netloc or "{" in parts.netloc:
        return f"{parts.scheme}:" if parts.scheme in ("http", "https") else None
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(settings: Settings) -> str:
    """The policy of every answer."""
    images = ["'self'", "data:", "blob:"]
    tiles = tile_origin(settings.tile_url)
    if tiles:
        images.append(tiles)
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self' 'unsafe-inline'",
        "img-src": " ".join(images),
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def security_headers(settings: Settings) -> list[tuple[bytes, bytes]]:
    """The headers added to every HTTP answer."""
    headers = {
        "content-security-policy": content_security_policy(settings),
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "cross-origin-opener-policy": "same-origin",
        "permissions-policy": "camera=(), microphone=(), geolocation=()",
    }
    if settings.environment is Environment.production:
        headers["strict-transport-security"] = HSTS
    return [(name.encode(), value.encode("latin-1")) for name, value in headers.items()]


class SecurityHeadersMiddleware:
    """Pure ASGI middleware (no body buffering): adds the headers a route did not set."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.headers = security_headers(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in self.headers if n not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
