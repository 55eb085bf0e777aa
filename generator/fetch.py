"""Fetching feeds over HTTP, politely and within firm limits.

Many feeds are fetched at once, but at most two from one host; every request names the
tool and the site; a feed that has not changed costs a 304; a slow, huge or hostile
server costs at most the time and memory budgets below. Nothing here parses: the bytes
and headers go back to the caller, and a failure is a value, never an exception.

Compressed bodies are decompressed here, chunk by bounded chunk, so the size limit holds
for the decompressed bytes and a compression bomb stops at the limit.

Addresses are guarded (see ``fetchguard``): redirects are followed here, one hop at a time,
and each hop's host name is resolved, every address it has is checked, and the connection
goes to a checked address (the URL is pinned to it; the Host header and the TLS server
name stay the host's, so certificates are verified as usual). The name is never resolved
again between the check and the connection, so a DNS answer that changes in between
(rebinding) cannot slip a private address in. Only http and https are followed. Covered:
the feed's own address and every redirect. Not covered: connections are direct, so proxy
settings in the environment are ignored; anything the fetched bytes name (links, images)
is not fetched here at all. Without keep-alive, a connection verified for one host name is
never reused for another name on the same address.

Failure texts name the kind of failure only, never an address, a port or a system error:
they are published on the sources page, and a hostile feed must not learn from them what
the build's network holds.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import brotli
import httpx

from . import __version__
from .config import SiteConfig, format_duration
from .fetchguard import Resolver, resolve

_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_PIECE = 64 * 1024  # most bytes one decompression step may produce
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"
)


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """The limits of one run. Times are in seconds; ``total_timeout`` covers retries too."""

    user_agent: str
    concurrency: int = 8
    per_host: int = 2
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 10 * 1024 * 1024
    retries: int = 2
    backoff: float = 1.0  # first pause between tries; doubled each time
    max_redirects: int = 5
    deadline: float = 300.0  # for the whole run: what is not fetched by then is skipped
    resolve: Resolver = resolve  # host name to addresses; tests give made-up names one


@dataclass(frozen=True, slots=True)
class FetchRequest:
    url: str
    etag: str = ""
    last_modified: str = ""
    allow_private: bool = False  # the address, and its redirects, may be private ones


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What came back: ``status`` 0 means no usable HTTP answer, and ``error`` says why."""

    url: str
    status: int = 0
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    final_url: str = ""
    moved_to: str = ""  # the new address, when every redirect on the way was permanent
    error: str = ""
    transient: bool = False  # a timeout or a dropped connection: worth another try
    attempts: int = 0


class _Failed(Exception):
    """A fetch that ends here, for good: the message is the result's ``error``."""


def user_agent(version: str, site_url: str) -> str:
    """Who is asking: the distribution's name and version, and the site it fetches for."""
    return f"news-digest/{version} (+{site_url})"


def site_policy(config: SiteConfig) -> FetchPolicy:
    """The limits every fetch for this site runs under: feeds and imported pages alike."""
    return FetchPolicy(
        user_agent=user_agent(__version__, config.base_url),
        deadline=config.fetch_deadline.total_seconds(),
        max_bytes=config.max_file_bytes,
    )


def fetch_all(
    requests: Sequence[FetchRequest],
    policy: FetchPolicy,
    *,
    progress: Callable[[str], None] = lambda _: None,
) -> tuple[FetchResult, ...]:
    """Fetch every request concurrently; results come back in the order of the requests.

    Whatever is not fetched when ``policy.deadline`` passes, waiting or half done, is given
    up and comes back as a failure that says so.
    """
    if not requests:
        return ()
    return asyncio.run(_fetch_all(requests, policy, progress))


async def _fetch_all(
    requests: Sequence[FetchRequest], policy: FetchPolicy, progress: Callable[[str], None]
) -> tuple[FetchResult, ...]:
    deadline = asyncio.get_running_loop().time() + policy.deadline
    overall = asyncio.Semaphore(policy.concurrency)
    hosts = {urlsplit(r.url).netloc: asyncio.Semaphore(policy.per_host) for r in requests}
    timeout = httpx.Timeout(
        connect=policy.connect_timeout, read=policy.read_timeout, write=policy.read_timeout,
        pool=policy.total_timeout,
    )  # fmt: skip
    limits = httpx.Limits(max_connections=policy.concurrency, max_keepalive_connections=0)
    headers = {
        "User-Agent": policy.user_agent,
        "Accept": ACCEPT,
        "Accept-Encoding": "gzip, deflate, br",
    }
    async with httpx.AsyncClient(
        headers=headers, timeout=timeout, limits=limits, trust_env=False
    ) as client:

        async def one(request: FetchRequest) -> FetchResult:
            try:
                async with asyncio.timeout_at(deadline):
                    # The host's turn first, so a feed waiting for its host holds no overall slot.
                    async with hosts[urlsplit(request.url).netloc], overall:
                        result = await _fetch_with_budget(client, request, policy)
            except TimeoutError:
                result = FetchResult(
                    url=request.url,
                    error="not fetched: the fetch deadline of "
                    f"{format_duration(timedelta(seconds=policy.deadline))} passed",
                )
            progress(f"fetched {request.url}: {result.error or result.status}")
            return result

        return tuple(await asyncio.gather(*(one(r) for r in requests)))


async def _fetch_with_budget(
    client: httpx.AsyncClient, request: FetchRequest, policy: FetchPolicy
) -> FetchResult:
    deadline = time.monotonic() + policy.total_timeout
    attempts = 0
    try:
        async with asyncio.timeout(policy.total_timeout):
            while True:
                attempts += 1
                result = await _fetch_once(client, request, policy)
                wait = _retry_wait(result, attempts, policy)
                if wait is None or time.monotonic() + wait >= deadline:
                    return replace(result, attempts=attempts)
                await asyncio.sleep(wait)
    except TimeoutError:
        return FetchResult(
            url=request.url,
            error=f"no complete answer within {policy.total_timeout:g} seconds",
            attempts=attempts,
        )


def _retry_wait(result: FetchResult, attempts: int, policy: FetchPolicy) -> float | None:
    """Seconds to wait before trying again, or None when another try is pointless."""
    if not (result.transient or result.status in _RETRY_STATUSES) or attempts > policy.retries:
        return None
    backoff = policy.backoff * 2 ** (attempts - 1)
    return max(backoff, _retry_after(result.headers.get("retry-after", "")))


def _retry_after(value: str) -> float:
    """The server's Retry-After, in seconds from now (a number or an HTTP date)."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, moment.timestamp() - time.time())


async def _fetch_once(
    client: httpx.AsyncClient, request: FetchRequest, policy: FetchPolicy
) -> FetchResult:
    try:
        return await _follow(client, request, policy)
    except _Failed as failure:
        return FetchResult(url=request.url, error=str(failure))
    except httpx.InvalidURL:
        return FetchResult(url=request.url, error="refused: an address that is not valid")
    except httpx.TimeoutException:
        return FetchResult(url=request.url, error="the server timed out", transient=True)
    except httpx.ConnectError:
        # refused or unreachable: seconds later the answer is the same, so no retry
        return FetchResult(url=request.url, error="the server could not be reached")
    except httpx.TransportError:
        return FetchResult(url=request.url, error="the connection failed", transient=True)
    except (httpx.DecodingError, zlib.error, brotli.error):
        return FetchResult(url=request.url, error="the answer could not be decompressed")
    except httpx.HTTPError:
        return FetchResult(url=request.url, error="the answer could not be read")


async def _follow(
    client: httpx.AsyncClient, request: FetchRequest, policy: FetchPolicy
) -> FetchResult:
    """GET the address and the redirects after it, each hop checked before it is used."""
    url = httpx.URL(request.url)
    headers: dict[str, str] = {}
    if request.etag:
        headers["If-None-Match"] = request.etag
    if request.last_modified:
        headers["If-Modified-Since"] = request.last_modified
    permanent = True  # every redirect so far was permanent
    for hop in range(policy.max_redirects + 1):
        addresses = await _checked_addresses(url, request, policy, redirected=hop > 0)
        response = await _send(client, url, addresses, headers)
        try:
            if not response.has_redirect_location:
                moved_to = str(url) if hop and permanent else ""
                return await _answer(request, response, url, moved_to, policy)
            permanent = permanent and response.status_code in (301, 308)
            url = url.join(response.headers["location"])
        finally:
            await response.aclose()
    raise _Failed("too many redirects")


async def _checked_addresses(
    url: httpx.URL, request: FetchRequest, policy: FetchPolicy, *, redirected: bool
) -> tuple[str, ...]:
    """The addresses this hop may connect to; ``_Failed`` when there are none."""
    if url.scheme not in ("http", "https") or not url.raw_host:
        raise _Failed(
            "refused: redirect to an address that is not http or https"
            if redirected
            else "refused: the address is not http or https"
        )
    try:
        found = await asyncio.to_thread(policy.resolve, url.raw_host.decode("ascii"))
    except (OSError, UnicodeError):
        found = ()
    if not found:
        raise _Failed("the server's name was not found")
    if not request.allow_private and not all(address.public for address in found):
        raise _Failed(
            "refused: redirect to a private address"
            if redirected
            else "refused: the address is private (allow_private is not set for it)"
        )
    return tuple(address.ip for address in found)


async def _send(
    client: httpx.AsyncClient, url: httpx.URL, addresses: Sequence[str], headers: dict[str, str]
) -> httpx.Response:
    """The response headers from the first of ``addresses`` that takes the connection."""

    def pinned(ip: str) -> httpx.Request:
        return client.build_request(
            "GET",
            url.copy_with(host=ip),
            headers={**headers, "Host": url.netloc.decode("ascii")},
            extensions={"sni_hostname": url.raw_host.decode("ascii")},
        )

    *others, last = addresses
    for ip in others:
        try:
            return await client.send(pinned(ip), stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout):
            continue
    return await client.send(pinned(last), stream=True)


async def _answer(
    request: FetchRequest,
    response: httpx.Response,
    url: httpx.URL,
    moved_to: str,
    policy: FetchPolicy,
) -> FetchResult:
    headers = {name.lower(): value for name, value in response.headers.items()}
    common = {
        "url": request.url,
        "status": response.status_code,
        "headers": headers,
        "final_url": str(url),
        "moved_to": moved_to,
    }
    if response.status_code != 200:
        return FetchResult(**common)
    content = await _read_body(response, headers.get("content-encoding", ""), policy)
    return FetchResult(**common, content=content)


async def _read_body(response: httpx.Response, encoding: str, policy: FetchPolicy) -> bytes:
    decode = _decoder(encoding.strip().lower())
    chunks: list[bytes] = []
    size = 0

    def keep(pieces: Iterator[bytes]) -> None:
        nonlocal size
        for piece in pieces:
            size += len(piece)
            if size > policy.max_bytes:
                raise _Failed(f"the feed is larger than {policy.max_bytes // 1024} KiB")
            chunks.append(piece)

    async for raw in response.aiter_raw():
        keep(decode(raw))
    keep(decode(b""))
    return b"".join(chunks)


def _decoder(encoding: str) -> Callable[[bytes], Iterator[bytes]]:
    """A stateful decompressor that yields pieces of at most ``_PIECE`` bytes, lazily.

    Being lazy is the point: the caller counts each piece and stops at its limit before
    the next one is made. An empty input means the end of the body.
    """
    if encoding in ("", "identity"):
        return lambda data: iter((data,) if data else ())
    if encoding in ("gzip", "x-gzip"):
        return _Inflater(16 + zlib.MAX_WBITS).pieces
    if encoding == "deflate":
        return _Inflater(0).pieces
    if encoding == "br":
        return _Unbrotli().pieces
    raise httpx.DecodingError(f"unknown content encoding {encoding!r}")


class _Inflater:
    """gzip or deflate; ``wbits`` 0 means "deflate": zlib-wrapped or raw, as the data shows."""

    def __init__(self, wbits: int) -> None:
        self._wbits = wbits
        self._inflater: zlib._Decompress | None = None

    def pieces(self, data: bytes) -> Iterator[bytes]:
        if self._inflater is None:
            if not data:
                return
            wbits = self._wbits or (zlib.MAX_WBITS if _has_zlib_header(data) else -zlib.MAX_WBITS)
            self._inflater = zlib.decompressobj(wbits)
        inflater = self._inflater
        piece = inflater.decompress(data, _PIECE)
        while piece:
            yield piece
            piece = inflater.decompress(inflater.unconsumed_tail, _PIECE)
        if not data:
            yield inflater.flush()


def _has_zlib_header(data: bytes) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] * 256 + data[1]) % 31 == 0


class _Unbrotli:
    def __init__(self) -> None:
        self._decompressor = brotli.Decompressor()

    def pieces(self, data: bytes) -> Iterator[bytes]:
        piece = self._decompressor.process(data, output_buffer_limit=_PIECE)
        while piece:
            yield piece
            piece = self._decompressor.process(b"", output_buffer_limit=_PIECE)
