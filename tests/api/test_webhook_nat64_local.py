"""The local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215) is refused as webhook address: what its
addresses translate to is up to the local network, so they may reach private IPv4 hosts."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from analysis import webhook_addresses

LOCAL_NAT64 = [
    "64:ff9b:1::a00:1",  # 10.0.0.1 in the last 32 bits (a /96 under the prefix)
    "64:ff9b:1:a00:0:100::",  # 10.0.0.1 as a /48 prefix embeds it (RFC 6052)
    "64:ff9b:1::808:808",  # 8.8.8.8: still the local network's translation, not a public address
    "64:ff9b:1:ffff:ffff:ffff:ffff:ffff",
]


@pytest.mark.parametrize("address", LOCAL_NAT64)
def test_local_use_nat64_urls_are_refused(address, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    assert not webhook_addresses.is_public(ipaddress.ip_address(address))
    problem = webhook_addresses.url_problem(f"http://[{address}]/hook")
    assert problem == "Webhooks cannot call private, loopback or link-local addresses."


def test_a_name_resolving_into_it_is_refused_when_called(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE = False

    def lookup(host, *args, **kwargs):
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("64:ff9b:1::a00:1", 0, 0, 0))]

    monkeypatch.setattr(webhook_addresses.socket, "getaddrinfo", lookup)
    with pytest.raises(webhook_addresses.Refused, match="non-public address"):
        webhook_addresses.checked_address("hooks.example.org")


def test_the_well_known_prefix_still_looks_at_the_ipv4_address(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    assert webhook_addresses.url_problem("http://[64:ff9b::808:808]/hook") is None
    assert webhook_addresses.url_problem("http://[64:ff9b::a00:1]/hook")
