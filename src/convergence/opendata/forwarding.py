"""Which address a public request comes from, for its rate limit.

By default the limit counts the TCP peer's address and ignores ``X-Forwarded-For``: anyone
can write that header. Behind a reverse proxy, list the proxy's addresses or networks in
``trusted_proxies``; then, and only when the peer is one of them, the client is the
right-most address of ``X-Forwarded-For`` that is not itself a trusted proxy.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in trusted)


def _is_trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(peer: str | None, forwarded_for: str | None, trusted: tuple[str, ...]) -> str:
    """The address to count a request against."""
    peer = peer or "unknown"
    networks = _networks(trusted)
    if not networks or not forwarded_for or not _is_trusted(peer, networks):
        return peer
    for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        if not _is_trusted(hop, networks):
            return hop
    return peer
