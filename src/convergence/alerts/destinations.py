"""Where a webhook may be sent: public addresses over HTTPS, or hosts the operator named.

A webhook is a request the server makes on a user's behalf, so without limits it reaches
whatever the server can reach (a database admin page on 127.0.0.1, the cloud metadata service
on 169.254.169.254, the intranet). The address is checked twice: when the subscription is
created (the scheme and a literal address) and when each delivery is sent, after resolving
the name, so a name that later points inside is refused too. The delivery then connects to
the address that was checked (never resolving again: no DNS rebinding between the check
and the connection), with the original name as TLS server name and ``Host``.

Hosts listed in ``CONVERGENCE_WEBHOOK_ALLOWED_HOSTS`` (e.g. a municipal SIG on the
intranet) may be reached at any address, over HTTP or HTTPS.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Collection
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from convergence.errors import InvalidInput

# Names that always mean this machine or its private network, whatever DNS says.
LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".localdomain", ".home.arpa")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class WebhookDestinationRefused(InvalidInput):
    """The webhook address is not public HTTPS and its host is not allowed by the operator."""

    code = "webhook_destination_refused"


@dataclass(frozen=True, slots=True)
class Destination:
    """Where to connect: the URL to request, its Host header and TLS server name."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, str] = field(default_factory=dict)


def _host_of(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise WebhookDestinationRefused(
            "l'adresse du webhook doit commencer par https:// et nommer un serveur / "
            "the webhook URL must be https:// with a host"
        )
    return parts.scheme, host


def is_allowed_host(host: str, allowed_hosts: Collection[str]) -> bool:
    """True when the operator named this host (case and a final dot ignored)."""
    return host in {h.rstrip(".").lower() for h in allowed_hosts}


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _refuse_internal(host: str) -> WebhookDestinationRefused:
    return WebhookDestinationRefused(
        f"le webhook vise une adresse interne ({host}) ; seules les adresses publiques en "
        "HTTPS sont permises, sauf les serveurs autorisés par l'exploitant / the webhook "
        f"targets an internal address ({host}): only public HTTPS addresses are allowed, or "
        "the hosts listed in CONVERGENCE_WEBHOOK_ALLOWED_HOSTS"
    )


def check_webhook_url(url: str, *, allowed_hosts: Collection[str]) -> None:
    """Refuse at subscription time what can already be seen to be internal or not HTTPS."""
    scheme, host = _host_of(url)
    if is_allowed_host(host, allowed_hosts):
        return
    if scheme != "https":
        raise WebhookDestinationRefused(
            "un webhook doit utiliser https:// / a webhook must use https://"
        )
    literal = _literal(host)
    if host == "localhost" or host.endswith(LOCAL_NAMES):
        raise _refuse_internal(host)
    if literal is not None and not literal.is_global:
        raise _refuse_internal(host)


def _resolve(host: str, port: int) -> list[Address]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise WebhookDestinationRefused(
            f"nom introuvable : {host} / cannot resolve {host}"
        ) from error
    return [ipaddress.ip_address(info[4][0]) for info in found]


def resolve_destination(url: str, *, allowed_hosts: Collection[str]) -> Destination:
    """The checked address to connect to for ``url``; raises when any address is internal."""
    check_webhook_url(url, allowed_hosts=allowed_hosts)
    _, host = _host_of(url)
    if is_allowed_host(host, allowed_hosts):
        return Destination(url=url)
    parsed = httpx.URL(url)
    addresses = _resolve(host, parsed.port or 443)
    # Every address must be public: a name with one internal address is refused outright.
    if not addresses or any(not a.is_global for a in addresses):
        raise _refuse_internal(host)
    pinned = parsed.copy_with(host=str(addresses[0]))
    return Destination(
        url=str(pinned),
        headers={"Host": parsed.netloc.decode("ascii")},
        extensions={"sni_hostname": parsed.raw_host.decode("ascii")},
    )
