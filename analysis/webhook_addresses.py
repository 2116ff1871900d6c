"""Where a webhook may POST: URL checks when it is saved, address checks on every call, and the
POST itself, to the address checked (so a name that resolves elsewhere later is not followed)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import certifi
import urllib3
from django.conf import settings

NAT64 = ipaddress.ip_network("64:ff9b::/96")
# RFC 8215's local-use NAT64 prefix: where the IPv4 address sits in it, and where it leads, is up
# to the local network, so none of it counts as public.
LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")


class Refused(Exception):
    """A webhook URL or address that may not be called; the message says why."""


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """A globally reachable address, looking through the IPv6 forms that carry an IPv4 one
    (mapped, 6to4, NAT64), which ``is_global`` alone calls public; local-use NAT64 never is."""
    if address.version == 6:
        if address in LOCAL_NAT64:
            return False
        inner = address.ipv4_mapped or address.sixtofour
        if inner is None and address in NAT64:
            inner = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if inner is not None:
            return is_public(inner)
    return address.is_global and not address.is_multicast


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a webhook, or None; checked when it is saved and again when it is
    called. Anything two URL parsers might read differently (backslashes, credentials, spaces) is
    refused, so the host checked is the host connected to."""
    if "\\" in url or any(c.isspace() or ord(c) < 32 for c in url):
        return "A webhook URL cannot contain spaces, control characters or backslashes."
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return "Use an http:// or https:// URL."
    if "@" in parts.netloc:
        return "A webhook URL cannot carry a user name or password."
    if not parts.hostname:
        return "The URL has no host."
    try:
        _ = parts.port  # raises for a port that is not a number in 0-65535
    except ValueError:
        return "The URL's port is not a port number."
    if not settings.WEBHOOK_ALLOW_PRIVATE:
        host = parts.hostname.lower().rstrip(".")
        if host == "localhost" or host.endswith(".localhost"):  # loopback by definition (RFC 6761)
            return "Webhooks cannot call private, loopback or link-local addresses."
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            return None  # a name: checked on every call, when it is resolved
        if not is_public(literal):
            return "Webhooks cannot call private, loopback or link-local addresses."
    return None


def checked_address(host: str) -> str:
    """The address to connect to for ``host``: every address it resolves to must be public
    (unless WEBHOOK_ALLOW_PRIVATE)."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise Refused(f"cannot resolve {host}") from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not settings.WEBHOOK_ALLOW_PRIVATE:
        for address in addresses:
            if not is_public(address):
                raise Refused(f"{host} resolves to a non-public address ({address})")
    return str(addresses[0])


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body`` to ``url`` and answer the status code. The connection goes to the address
    just checked, not to a second lookup of the name, which could answer differently (DNS
    rebinding); HTTPS still verifies the certificate against the name."""
    problem = url_problem(url)
    if problem:
        raise Refused(problem)
    parts = urlsplit(url)
    address = checked_address(parts.hostname)
    https = parts.scheme.lower() == "https"
    port = parts.port or (443 if https else 80)
    timeout = settings.WEBHOOK_TIMEOUT_S
    if https:
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    with pool:
        response = pool.urlopen(
            "POST", target, body=body, headers={**headers, "Host": parts.netloc}, redirect=False
        )
        return response.status
