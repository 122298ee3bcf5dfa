"""Fetch a web page on a user's behalf without becoming a way into the network the app runs in.

Fetching a URL from a server is a classic way in (server-side request forgery): a URL, or a
redirect from one, may name the machine itself (127.0.0.1), the local network, or a cloud's
metadata service (169.254.169.254). So, by default:

- only http and https URLs are fetched;
- the host name is resolved first and every address it resolves to must be public; the
  connection is then made to the address that was checked (not resolved again, which a DNS
  answer that changes between two look-ups would exploit), with the host name sent as the
  request's Host and, for https, as the name the certificate must match;
- redirects are followed one by one, each new URL checked the same way;
- the time taken and the bytes read are bounded, and only HTML and plain text are accepted.

`FetchLimits.allow_private` (QA_FETCH_ALLOW_PRIVATE) lets pages be fetched from loopback and
private addresses, for an intranet (the tests serve pages from 127.0.0.1 with it). Cloud metadata
addresses are refused even then: no intranet page is served from them.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

import httpx

from qa.config import Settings

PAGE_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml")
_METADATA = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)
_USER_AGENT = "qa-news-reader/0.1 (+offline question answering; fetches one page when a user adds it)"
_MAX_URL = 2000

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchRefused(Exception):
    """A URL that is not fetched, or a page that is not taken; the message says why, for the user."""


@dataclass(frozen=True)
class FetchLimits:
    allow_private: bool = False
    timeout: float = 15.0  # seconds for the whole fetch, redirects included
    max_bytes: int = 5_000_000
    max_redirects: int = 5


def fetch_limits(settings: Settings) -> FetchLimits:
    return FetchLimits(
        allow_private=settings.fetch_allow_private,
        timeout=settings.fetch_timeout,
        max_bytes=int(settings.fetch_max_mb * 1e6),
        max_redirects=settings.fetch_max_redirects,
    )


@dataclass(frozen=True)
class FetchedPage:
    """What a URL gave: the URL asked for, the one the page came from after redirects, its media
    type (one of PAGE_TYPES or TEXT_TYPES) and its bytes as sent."""

    asked: str
    url: str
    media_type: str
    body: bytes

    @property
    def is_html(self) -> bool:
        return self.media_type in PAGE_TYPES

    @property
    def is_feed(self) -> bool:
        return self.media_type in FEED_TYPES


def check_url(url: str) -> SplitResult:
    """The URL's parts; FetchRefused when it is not an http(s) URL naming a host."""
    url = url.strip()
    if not url:
        raise FetchRefused("no URL given")
    if len(url) > _MAX_URL:
        raise FetchRefused(f"the URL is over {_MAX_URL:,} characters")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        what = f"a {parts.scheme}: URL" if parts.scheme else "not a URL (it should start with https://)"
        raise FetchRefused(f"{url[:200]}: {what}; only http and https pages can be added")
    try:
        host, _ = parts.hostname, parts.port
    except ValueError as exc:  # a port that is not a number or out of range
        raise FetchRefused(f"{url[:200]}: {exc}") from exc
    if not host:
        raise FetchRefused(f"{url[:200]}: the URL names no host")
    return parts


def _refusal(address: IPAddress) -> str | None:
    """Why an address is not fetched from by default, or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address in _METADATA:
        return "a cloud metadata address"
    if address.is_loopback:
        return "a loopback address (this machine)"
    if address.is_link_local:
        return "a link-local address"
    if address.is_private:
        return "a private network address"
    if not address.is_global:
        return "not a public address"
    return None


def checked_addresses(host: str, port: int, limits: FetchLimits) -> list[IPAddress]:
    """The addresses to connect to, in the resolver's order: every address `host` resolves to
    must be allowed (one bad answer among good ones refuses the host: either could be used)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchRefused(f"{host}: the host name cannot be resolved ({exc})") from exc
    addresses = list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos))
    if not addresses:
        raise FetchRefused(f"{host}: the host name resolves to no address")
    for address in addresses:
        why = _refusal(address)
        if why is None or (limits.allow_private and address not in _METADATA):
            continue
        named = host if host == str(address) else f"{host} resolves to {address},"
        setting = "" if address in _METADATA else "; QA_FETCH_ALLOW_PRIVATE=true allows it for an intranet"
        raise FetchRefused(f"{named} {why}: not fetched{setting}")
    return addresses


def _pinned(parts: SplitResult, address: IPAddress) -> tuple[str, dict[str, str], dict[str, str]]:
    """The request for `parts` sent to `address`: its URL, Host header and TLS name."""
    host = parts.hostname or ""
    at = f"[{address}]" if address.version == 6 else str(address)
    netloc = f"{at}:{parts.port}" if parts.port else at
    url = urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))
    host_header = parts.netloc.rpartition("@")[2]
    extensions = {"sni_hostname": host} if parts.scheme.lower() == "https" else {}
    return url, {"Host": host_header}, extensions


def _send(client: httpx.Client, parts: SplitResult, addresses: list[IPAddress]) -> httpx.Response:
    """The response's head from the first checked address that takes the connection."""
    for k, address in enumerate(addresses):
        target, host, extensions = _pinned(parts, address)
        request = client.build_request("GET", target, headers=host, extensions=extensions)
        try:
            return client.send(request, stream=True)
        except httpx.ConnectError:
            if k == len(addresses) - 1:
                raise
    raise AssertionError("no address to connect to")


def _media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _read(response: httpx.Response, url: str, limits: FetchLimits, deadline: float) -> bytes:
    """The body, refused past `limits.max_bytes` (declared or counted, after decompression) or
    past the deadline (a server sending a byte at a time would otherwise hold the fetch)."""
    mb = limits.max_bytes / 1e6
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        size = int(declared) / 1e6
        raise FetchRefused(f"{url}: the page is {size:.1f} MB, over the {mb:g} MB limit (QA_FETCH_MAX_MB)")
    body = bytearray()
    for block in response.iter_bytes():
        body += block
        if len(body) > limits.max_bytes:
            raise FetchRefused(f"{url}: the page is over the {mb:g} MB limit (QA_FETCH_MAX_MB)")
        if time.monotonic() > deadline:
            raise FetchRefused(f"{url}: the page took more than {limits.timeout:g} s to arrive (QA_FETCH_TIMEOUT)")
    return bytes(body)


def _accepted(response: httpx.Response, url: str, feeds: bool) -> str:
    """The page's media type; FetchRefused for an error status or a type that is not a page
    (nor, with `feeds`, an RSS or Atom feed)."""
    if response.status_code >= 400:
        raise FetchRefused(f"{url}: the server answered {response.status_code} {response.reason_phrase}".rstrip())
    if response.status_code != 200:
        raise FetchRefused(f"{url}: the server answered {response.status_code}, not a page")
    media = _media_type(response)
    if media not in PAGE_TYPES + TEXT_TYPES + (FEED_TYPES if feeds else ()):
        shown = media or "of no declared type"
        hint = " (add a PDF by uploading the file)" if media == "application/pdf" else ""
        kinds = "HTML pages, plain text and RSS or Atom feeds" if feeds else "HTML pages and plain text"
        raise FetchRefused(f"{url}: the page is {shown}; only {kinds} can be added{hint}")
    return media


def fetch_page(url: str, limits: FetchLimits, feeds: bool = False) -> FetchedPage:
    """Fetch `url` following the rules above; FetchRefused (with the reason) for anything else.
    With `feeds`, an RSS or Atom feed (or XML) is taken too."""
    deadline = time.monotonic() + limits.timeout
    current = url.strip()
    timeout = httpx.Timeout(limits.timeout)
    headers = {"User-Agent": _USER_AGENT, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9"}
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False, headers=headers) as client:
        for _ in range(limits.max_redirects + 1):
            parts = check_url(current)
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
            addresses = checked_addresses(parts.hostname or "", port, limits)
            try:
                response = _send(client, parts, addresses)
                try:
                    location = response.headers.get("location")
                    if response.status_code in (301, 302, 303, 307, 308) and location:
                        current = urljoin(current, location.strip())
                        continue
                    media = _accepted(response, current, feeds)
                    body = _read(response, current, limits, deadline)
                finally:
                    response.close()
            except httpx.TimeoutException as exc:
                raise FetchRefused(f"{current}: no answer within {limits.timeout:g} s (QA_FETCH_TIMEOUT)") from exc
            except httpx.HTTPError as exc:
                raise FetchRefused(f"{current}: the page could not be fetched ({type(exc).__name__}: {exc})") from exc
            return FetchedPage(asked=url.strip(), url=current, media_type=media, body=body)
    raise FetchRefused(f"{url}: more than {limits.max_redirects} redirects (QA_FETCH_MAX_REDIRECTS)")
