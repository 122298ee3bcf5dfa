"""How long, and how much, a client may take to send a request: slow clients are dropped.

uvicorn (which Gradio starts, with its defaults) closes a connection idle between two requests
after `timeout_keep_alive`, but sets no bound before a request has been received: a client that
connects and sends nothing, or its headers a byte at a time, or a body that stalls, holds its
connection for ever, and httptools (which uvicorn picks when installed, as here) buffers request
headers of any size (`h11_max_incomplete_event_size` bounds them only for h11). Gradio 6 builds
uvicorn's `Config` itself, with no way to pass these; `bound_connections` gives the running
server's protocol class the bounds uvicorn lacks:

- a request's line and headers must arrive within `read_timeout` seconds of the connection opening
  (or of the first byte after the previous response), and be at most MAX_HEADER_BYTES;
- its body may pause no longer than `read_timeout` between two parts, and after the first
  `read_timeout` seconds must come at MIN_BODY_RATE on average (a body sent a byte every few
  seconds would hold the connection for days); neither counts while the app itself is not
  reading, which is no client's fault;
- once a request is received, the app answers in its own time (a stream of events is not cut).

A connection over a bound is answered 408 or 431 when no response has begun, then closed, with
one line in the log (`qa.ui.refusals`); what the client still sends is read and dropped for
LINGER_SECONDS first, so that the reply is not lost to a reset connection.
"""

from __future__ import annotations

import asyncio
from typing import Any

from qa.ui.refusals import REFUSED

MAX_HEADER_BYTES = 64 * 1024  # the request line and headers; browsers send a few KB
MIN_BODY_RATE = 10_000  # bytes per second: a 50 MB upload may take 80 minutes
LINGER_SECONDS = 2.0  # after a refusal, what still arrives is read and dropped this long before closing


def _status(code: int, reason: str, text: str) -> bytes:
    body = text.encode()
    return (
        f"HTTP/1.1 {code} {reason}\r\ncontent-type: text/plain; charset=utf-8\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    ).encode() + body


class _Bounded(asyncio.Protocol):
    """Mixed in before one of uvicorn's HTTP protocol classes (httptools or h11): both keep the
    request being answered in `self.cycle` (None before the first), with `more_body` until its
    body is read and `response_complete` once it is answered, and `self.flow` for reads paused."""

    read_timeout: float = 10.0
    transport: asyncio.Transport
    cycle: Any
    flow: Any
    client: tuple[str, int] | None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._qa_timer: asyncio.TimerHandle | None = None
        self._qa_for: Any = None  # the request answered before the one being awaited
        self._qa_header_bytes = 0
        self._qa_body: tuple[float, int] | None = None  # when the body began, and how much came since
        self._qa_app_paused = False  # the app stopped reading this request's body for a while
        self._qa_lingering = False  # refused and answered: closing once the client has had the reply
        self._qa_arm()

    def data_received(self, data: bytes) -> None:
        if self._qa_lingering:
            return  # refused: the rest of the request is dropped unread
        if self._qa_awaiting_headers():
            if self._qa_for is not self.cycle:  # the first byte of a further request on this connection
                self._qa_for, self._qa_header_bytes = self.cycle, 0
                self._qa_body, self._qa_app_paused = None, False
                self._qa_arm()
            self._qa_header_bytes += len(data)
        super().data_received(data)
        if self.transport.is_closing():
            return
        if self._qa_awaiting_headers():  # all read so far is headers: a read holds at most 256 KB
            if self._qa_header_bytes > MAX_HEADER_BYTES:
                too_long = f"request headers over {MAX_HEADER_BYTES:,} bytes"
                self._qa_close(431, "Request Header Fields Too Large", too_long)
        elif self._qa_in_body():
            self._qa_body_came(len(data))
        else:
            self._qa_disarm()  # received in full: the app answers in its own time

    def connection_lost(self, exc: Exception | None) -> None:
        self._qa_disarm()
        super().connection_lost(exc)

    def _qa_body_came(self, size: int) -> None:
        """A part of the body came: closed if the body is too slow, else the pause starts again."""
        now = asyncio.get_running_loop().time()
        began, received = self._qa_body or (now, 0)
        self._qa_body = (began, received + size)
        self._qa_app_paused = self._qa_app_paused or self.flow.read_paused
        if not self._qa_app_paused and now - began > self.read_timeout + (received + size) / MIN_BODY_RATE:
            self._qa_close(408, "Request Timeout", f"the request body came slower than {MIN_BODY_RATE:,} bytes/s")
        else:
            self._qa_arm()

    def _qa_awaiting_headers(self) -> bool:
        return self.cycle is None or bool(self.cycle.response_complete)

    def _qa_in_body(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete and bool(self.cycle.more_body)

    def _qa_arm(self) -> None:
        self._qa_disarm()
        self._qa_timer = asyncio.get_running_loop().call_later(self.read_timeout, self._qa_expired)

    def _qa_disarm(self) -> None:
        if self._qa_timer is not None:
            self._qa_timer.cancel()
            self._qa_timer = None

    def _qa_expired(self) -> None:
        self._qa_timer = None
        if self.transport.is_closing() or self.transport.get_protocol() is not self:  # closed, or a WebSocket now
            return
        if self._qa_awaiting_headers():
            self._qa_close(408, "Request Timeout", f"no complete request headers within {self.read_timeout:g} s")
        elif self._qa_in_body():
            if self.flow.read_paused or getattr(self.cycle, "waiting_for_100_continue", False):
                self._qa_app_paused = True
                self._qa_arm()  # the app is not reading yet: the client is not the one stalling
            else:
                self._qa_close(408, "Request Timeout", f"the request body paused for over {self.read_timeout:g} s")

    def _qa_close(self, code: int, reason: str, why: str) -> None:
        self._qa_disarm()
        # A connection that never sent a byte (a browser's spare connection) is closed silently.
        silent = self.cycle is None and self._qa_header_bytes == 0
        if not silent:
            client = f"{self.client[0]}:{self.client[1]}" if self.client else "?"
            REFUSED.refused(client, f"{why}; connection closed")
        if silent or (self.cycle is not None and self.cycle.response_started):
            self.transport.close()
            return
        self.transport.write(_status(code, reason, why + "\n"))
        self._qa_linger()

    def _qa_linger(self) -> None:
        """Close after the refusal is sent, reading and dropping what the client still sends for a
        moment: a socket closed with unread data resets the connection, and the client may then
        lose the reply it was sent (nginx's lingering close does the same)."""
        self._qa_lingering = True
        if self.transport.can_write_eof():
            self.transport.write_eof()  # the reply is whole: the client reads it to its end
        self.transport.resume_reading()
        asyncio.get_running_loop().call_later(LINGER_SECONDS, self.transport.close)


def bounded(protocol: type[asyncio.Protocol], read_timeout: float) -> type[asyncio.Protocol]:
    """`protocol` (one of uvicorn's HTTP protocol classes) with the bounds above."""
    return type(f"Bounded{protocol.__name__}", (_Bounded, protocol), {"read_timeout": read_timeout})


def bound_connections(server: Any, read_timeout: float, keep_alive: float) -> None:
    """Give a running uvicorn server (Gradio's `demo.server`) these bounds: the connections it
    accepts from now on use them (uvicorn creates each connection's protocol from its config),
    and one idle between requests is closed after `keep_alive` seconds."""
    config = server.config
    if not issubclass(config.http_protocol_class, _Bounded):
        config.http_protocol_class = bounded(config.http_protocol_class, read_timeout)
    config.timeout_keep_alive = keep_alive
