"""The client address: X-Forwarded-For counts only when the peer is a configured proxy."""

from __future__ import annotations

import pytest

from kabu_trade.core.config import Settings
from kabu_trade.core.net import client_address


def scope(peer: str, forwarded: str | None = None) -> dict[str, object]:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return {"client": (peer, 5000), "headers": headers}


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_address(scope("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_an_untrusted_peer_cannot_choose_its_address() -> None:
    assert client_address(scope("203.0.113.9", "198.51.100.1"), ["10.0.0.0/8"]) == "203.0.113.9"


def test_the_rightmost_untrusted_hop_behind_trusted_proxies_is_the_client() -> None:
    # The client wrote "1.1.1.1" itself; the proxies appended what they saw.
    s = scope("10.0.1.5", "1.1.1.1, 198.51.100.7, 10.0.2.9")
    assert client_address(s, ["10.0.0.0/8"]) == "198.51.100.7"


def test_only_proxies_in_the_chain_falls_back_to_the_peer() -> None:
    assert client_address(scope("10.0.1.5", "10.0.2.9"), ["10.0.0.0/8"]) == "10.0.1.5"


def test_no_client_in_scope() -> None:
    assert client_address({"headers": []}) == "unknown"


def test_trusted_proxies_are_validated_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KABU_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.1")
    assert Settings().trusted_proxies == ["10.0.0.0/8", "192.168.1.1"]
    monkeypatch.setenv("KABU_TRUSTED_PROXIES", "not-an-address")
    with pytest.raises(ValueError, match="not-an-address"):
        Settings()
