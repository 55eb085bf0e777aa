"""Which network addresses a fetch may reach.

A feed is written by someone else, and so are its redirects: a hostile feed could send the
fetcher to the network the build runs in (a metadata service, a database, the router) and
have the answer, or the kind of error, published. So every address a host name resolves to
is classified here, and only public ones are used unless the feed's configuration trusts
private addresses (``allow_private``).

Pure except ``resolve``, which asks the system's resolver; the fetcher takes the resolver
as a parameter so tests can give a made-up host name a "public" address on the test machine.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # IPv6 addresses that stand for IPv4 ones


@dataclass(frozen=True, slots=True)
class HostAddress:
    """One address of a host name, and whether it lies on the public internet."""

    ip: str
    public: bool


Resolver = Callable[[str], Sequence[HostAddress]]


def is_public_address(text: str) -> bool:
    """Whether an IP address is a public, unicast one.

    Loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16,
    fe80::/10, where cloud metadata services live), carrier-grade NAT, unspecified,
    multicast, reserved and documentation ranges are not. An IPv6 address that carries an
    IPv4 one (mapped ``::ffff:a.b.c.d``, 6to4, NAT64) is judged by the IPv4 address, since
    that is where a packet would end up.
    """
    ip = ipaddress.ip_address(text)
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
        elif ip.is_site_local:
            return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def resolve(host: str) -> tuple[HostAddress, ...]:
    """Every address the system's resolver gives for ``host``, in its order of preference.

    Raises OSError (``socket.gaierror``) for a name that does not resolve.
    """
    found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    ips = dict.fromkeys(str(sockaddr[0]) for *_, sockaddr in found)
    return tuple(HostAddress(ip, is_public_address(ip)) for ip in ips)
