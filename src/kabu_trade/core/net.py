"""The client's address, as rate limits and sign-in throttling must see it.

Behind CloudFront or a load balancer every request comes from the proxy, and the client's own
address is in ``X-Forwarded-For``. That header is written by whoever sends the request, so it is
believed only when the peer is one of ``KABU_TRUSTED_PROXIES``; otherwise anyone could pick a fresh
address per attempt and slip past every per-address limit.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=32)
def trusted_networks(proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _is_trusted(address: str, networks: Iterable[IPNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _forwarded_for(headers: Iterable[tuple[bytes, bytes]]) -> list[str]:
    hops: list[str] = []
    for name, value in headers:
        if name.lower() == b"x-forwarded-for":
            hops.extend(h.strip() for h in value.decode("latin-1").split(",") if h.strip())
    return hops


def client_address(scope: Mapping[str, Any], trusted_proxies: Iterable[str] = ()) -> str:
    """The address of the client of an ASGI ``scope`` (``request.scope`` for a Request).

    The rightmost ``X-Forwarded-For`` hop that is not a trusted proxy is the client: hops further
    left were written by the client itself and prove nothing.
    """
    client = scope.get("client")
    peer = str(client[0]) if client else "unknown"
    networks = trusted_networks(tuple(trusted_proxies))
    if not networks or not _is_trusted(peer, networks):
        return peer
    for hop in reversed(_forwarded_for(scope.get("headers") or ())):
        if not _is_trusted(hop, networks):
            return hop
    return peer
