"""Who may drive the app: requests for another Host name, and changes asked by other sites, are refused.

- DNS rebinding: a web page the user visits can point its own name at 127.0.0.1 and then send
  requests to the app from the browser, under that name. So only the names the app is served on
  are answered: the loopback names at its port, the address it is bound to, and the names of
  `QA_ALLOWED_HOSTS` (a deployment behind a proxy or on a network); others get 421.
- Cross-site requests: any page can make the browser post a form or a `text/plain` body to the
  app (no CORS check stops a request from being processed, only its answer from being read). So
  a request that can change something (any method but GET, HEAD and OPTIONS) is refused (403)
  when the browser says it comes from another origin: its `Origin` header, or without one its
  `Sec-Fetch-Site` or `Referer`. Programs that send none of them (scripts, `gradio_client`) are
  not browsers driven by a page, and are served.

Also: a refused request that Gradio notices only after its event stream has begun (an unknown
session) ends that stream with one log line, not an "Exception in ASGI application" traceback.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qa.ui.limits import ApiNameOf, BodyLimit, BodyLimits
from qa.ui.refusals import REFUSED, client_of

LOOPBACK = ("localhost", "127.0.0.1", "::1")
_ANY_ADDRESS = ("", "0.0.0.0", "::")
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_HOST = re.compile(r"(?:\[(?P<v6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9_.-]+))(?::(?P<port>[0-9]{1,5}))?")


def parse_host(value: str) -> tuple[str, int | None] | None:
    """ "localhost:7860" -> ("localhost", 7860), "[::1]" -> ("::1", None); None when it is no host."""
    match = _HOST.fullmatch(value.strip().lower())
    if match is None:
        return None
    port = int(match["port"]) if match["port"] else None
    return (match["v6"] or match["name"]), port


@dataclass(frozen=True)
class AllowedHosts:
    """The Host names the app answers to: `local` ones (loopback, the bound address) at the port
    it is served on, `named` ones (the setting) at any port or the one given; `anyone` for "*"."""

    local: frozenset[str]
    named: frozenset[tuple[str, int | None]]
    anyone: bool = False

    @classmethod
    def of(cls, setting: str, bound: str) -> AllowedHosts:
        """From QA_ALLOWED_HOSTS ("qa.example.org, 10.0.0.5:7860"; "*": any) and the bound address."""
        names: set[tuple[str, int | None]] = set()
        entries = [e.strip() for e in setting.split(",") if e.strip()]
        for entry in entries:
            if entry == "*":
                continue
            parsed = parse_host(entry)
            if parsed is None:
                raise ValueError(f"QA_ALLOWED_HOSTS: {entry!r} is not a host name (name or name:port)")
            names.add(parsed)
        local = set(LOOPBACK)
        if (address := bound.strip("[]").lower()) not in _ANY_ADDRESS:
            local.add(address)
        return cls(frozenset(local), frozenset(names), "*" in entries)

    def allows(self, host: str, served_port: int | None, default_port: int = 80) -> bool:
        """Whether a request with this Host header, come in at `served_port`, is answered."""
        parsed = parse_host(host)
        if parsed is None:
            return False
        if self.anyone:
            return True
        name, port = parsed
        if name in self.local and (port or default_port) == served_port:
            return True
        return (name, None) in self.named or (name, port) in self.named

    def describe(self, served_port: int | None) -> str:
        """The local names, for a refusal (the names of the setting are not told to anyone asking)."""
        local = ", ".join(f"[{n}]" if ":" in n else n for n in sorted(self.local))
        return f"{local} at port {served_port}"


def _own_origin(origin: str, host: str, hosts: AllowedHosts) -> bool:
    """Whether a page at `origin` is the app's own: served under the Host asked for, or under one
    of the names the app is given (a proxy may pass its own Host on)."""
    parsed = parse_host(urlsplit(origin).netloc) if origin != "null" else None
    if parsed is None:
        return False
    return parse_host(host) == parsed or parsed in hosts.named or (parsed[0], None) in hosts.named


def cross_site(headers: Headers, hosts: AllowedHosts) -> str | None:
    """What says a request comes from another site's page, or None."""
    host = headers.get("host", "")
    origin = headers.get("origin")
    if origin is not None:
        return None if _own_origin(origin, host, hosts) else f"Origin {origin}"
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return None if fetch_site in ("same-origin", "none") else f"Sec-Fetch-Site {fetch_site}"
    referer = headers.get("referer")
    if referer is not None and not _own_origin(referer, host, hosts):
        return f"Referer {referer}"
    return None


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
    REFUSED.refused(client_of(scope), f"{status} {message}")
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008, "reason": message[:120]})
        return
    body = json.dumps({"detail": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RequestGuard:
    """ASGI middleware: the Host and cross-site checks above, before anything else of the app."""

    def __init__(self, app: ASGIApp, hosts: AllowedHosts) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        server = scope.get("server")
        port = server[1] if server else None
        host = headers.get("host", "")
        if not self.hosts.allows(host, port, 443 if scope.get("scheme") in ("https", "wss") else 80):
            why = (
                f"this app answers only to the names it is served on ({self.hosts.describe(port)}), "
                f"not to Host {host!r}; QA_ALLOWED_HOSTS adds names"
            )
            await _refuse(scope, receive, send, 421, why)
            return
        if scope["type"] == "websocket" or scope["method"] not in _SAFE_METHODS:
            source = cross_site(headers, self.hosts)
            if source is not None:
                why = f"a request from another site ({source}): only the app's own page can change or ask"
                await _refuse(scope, receive, send, 403, why)
                return
        await _quiet_late_refusal(self.app, scope, receive, send)


async def _quiet_late_refusal(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run the app; an HTTP error it raises after its response has begun (Starlette turns it into
    "response already started", logged with a 5 KB traceback) ends the response and is logged as
    one line instead."""
    started = False

    async def tracked(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = True
        await send(message)

    try:
        await app(scope, receive, tracked)
    except RuntimeError as exc:
        cause: Any = exc.__cause__
        if not (started and isinstance(cause, HTTPException)):
            raise
        REFUSED.refused(client_of(scope), f"{cause.status_code} {cause.detail} (after the response began)")
        with contextlib.suppress(OSError, RuntimeError):  # unless the client has gone
            await send({"type": "http.response.body", "body": b"", "more_body": False})



def guard_middleware(
    allowed_hosts: str, bound: str, file_bytes: int, api_name_of: ApiNameOf
) -> list[Middleware]:
    """The app's request checks, outermost first: who may ask (`RequestGuard`), then how much
    (`BodyLimit`). ValueError when `allowed_hosts` (QA_ALLOWED_HOSTS) holds no host name."""
    return [
        Middleware(RequestGuard, hosts=AllowedHosts.of(allowed_hosts, bound)),
        Middleware(BodyLimit, limits=BodyLimits(file_bytes), api_name_of=api_name_of),
    ]
