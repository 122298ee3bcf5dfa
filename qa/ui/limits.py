"""How large a request body may be, for every route of the app, and that a queued event exists.

Gradio reads a request's body whole before its handler sees it (a 60 MB `/ask` call was parsed in
full), so the limits are applied here, before Gradio: from the declared `Content-Length`, then
counted as the body comes (a chunked body declares nothing). Starlette's own body limit has one
size for the whole app and a bare "Content Too Large"; uploads need a larger one than questions,
and the refusal should say the limit.

- a question (`POST /v1/ask`, Gradio's `/ask` API): QUESTION_BYTES;
- the page's other events (they carry the chat shown so far): EVENT_BYTES;
- an upload (`/gradio_api/upload`): UPLOAD_FILES files at the file size limit.

A Gradio queue event (`/gradio_api/queue/join`) naming no function of the page (`fn_index`) is
refused with 400 (Gradio failed with a 500 and a traceback).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qa.ui.refusals import REFUSED, client_of

# A question is at most a few thousand characters and the history sent with it is bounded by the
# service's limits; a 50 MB body took 3.4 s to parse before the question in it was refused.
QUESTION_BYTES = 1_000_000
# The page sends the chat shown so far with each question (about 1.5 KB a turn) and, on arrival,
# the chat the browser kept (about 15 KB a kept turn, encrypted).
EVENT_BYTES = 8_000_000
UPLOAD_FILES = 10  # an upload request holds up to this many files at the size limit
QUESTION_API = "ask"  # Gradio's API name of the question handler
QUESTION_PATHS = ("/v1/ask", f"/gradio_api/call/{QUESTION_API}", f"/gradio_api/run/{QUESTION_API}")
QUEUE_JOIN = "/gradio_api/queue/join"
UPLOAD_PATH = "/gradio_api/upload"

# fn_index -> the function's API name (None when it has none); LookupError when there is no such function
ApiNameOf = Callable[[int], str | None]


@dataclass(frozen=True)
class BodyLimits:
    """The limits above, for an app whose files may be `file_bytes` large."""

    file_bytes: int

    @property
    def upload(self) -> int:
        return UPLOAD_FILES * self.file_bytes + 1_000_000  # and the multipart framing

    def for_path(self, path: str) -> tuple[int, str]:
        """The limit for a route, and what it is for (said when a request is refused)."""
        if path in QUESTION_PATHS:
            return QUESTION_BYTES, "a question"
        if path == UPLOAD_PATH:
            return self.upload, f"an upload ({UPLOAD_FILES} files at the size limit)"
        return EVENT_BYTES, "a request"


def _too_large(limit: int, what: str) -> str:
    return f"the request is over {limit:,} bytes, the limit for {what}"


async def _respond(scope: Scope, send: Send, status: int, message: str) -> None:
    REFUSED.refused(client_of(scope), f"{status} {message}")
    body = json.dumps({"detail": message}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),  # the rest of the body is not read
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """ASGI middleware applying `BodyLimits`, and the queue event check with `api_name_of`."""

    def __init__(self, app: ASGIApp, limits: BodyLimits, api_name_of: ApiNameOf) -> None:
        self.app = app
        self.limits = limits
        self.api_name_of = api_name_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        limit, what = (EVENT_BYTES, "a request") if path == QUEUE_JOIN else self.limits.for_path(path)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _respond(scope, send, 413, _too_large(limit, what))
            return
        if path == QUEUE_JOIN and scope["method"] == "POST":
            await self._queue_event(scope, receive, send)
        else:
            await self._counted(scope, receive, send, limit, what)

    async def _counted(self, scope: Scope, receive: Receive, send: Send, limit: int, what: str) -> None:
        """The app, given the body while it stays within `limit`; past it, the app is told the
        client left and the client gets 413 (unless the app had begun its response)."""
        seen, over, started = 0, False, False

        async def counted() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def sent(message: Message) -> None:
            nonlocal started
            if over and not started:
                return  # the app's reply to a body it did not get whole; 413 goes instead
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, sent)
        except Exception:
            if not over:
                raise
        if over and not started:
            await _respond(scope, send, 413, _too_large(limit, what))

    async def _queue_event(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A queued Gradio event: read whole (within EVENT_BYTES), refused if it names no function
        of the page, held to QUESTION_BYTES if it asks a question, then passed on as it came."""
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client left
            body += message.get("body", b"")
            if len(body) > EVENT_BYTES:
                await _respond(scope, send, 413, _too_large(EVENT_BYTES, "a request"))
                return
            if not message.get("more_body", False):
                break
        try:
            fn_index = json.loads(body).get("fn_index")
        except (ValueError, AttributeError):
            fn_index = None  # not an event: Gradio says what is wrong with it
        if isinstance(fn_index, int):
            try:
                api_name = self.api_name_of(fn_index)
            except LookupError:
                await _respond(scope, send, 400, f"the page has no function {fn_index} (fn_index)")
                return
            if api_name == QUESTION_API and len(body) > QUESTION_BYTES:
                await _respond(scope, send, 413, _too_large(QUESTION_BYTES, "a question"))
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
