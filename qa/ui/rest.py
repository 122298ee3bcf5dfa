"""A plain JSON endpoint beside the chat page, for scripts and other programs.

`POST /v1/ask` with `{"question": "...", "history": [["earlier question", "its answer"], ...]}`
returns the same object as the Gradio `/ask` API (Answer.to_dict()), without Gradio's queue and
event stream: one request, one JSON reply. It calls the same handler as the page, so it holds no
retrieval logic of its own, and the question and history are held to the same limits (the
service's). The body must be JSON (`Content-Type: application/json`, else 415: a page of another
site can post a form or plain text without asking first, never JSON) and at most
`qa.ui.limits.QUESTION_BYTES` (413, refused before it is read). With QA_AUTH set it asks for the
same user and password (HTTP Basic).

`POST /v1/documents` with `{"url": "https://..."}` adds the article at that URL, as the page's URL
box does (the same service call): 200 with the document's name, whether it was added (false: it
was already there), notes, its metadata, and for a feed the items not added and why (`problems`);
400 with the reason when the URL or the page is refused.
Like every request that changes something, it is refused when a browser says another site sent it
(qa/ui/guard.py).
"""

# No `from __future__ import annotations`: FastAPI reads these annotations at run time.
import json
import logging
from collections.abc import Callable
from secrets import compare_digest
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, ValidationError

from qa.errors import BadRequest

log = logging.getLogger(__name__)

ASK_PATH = "/v1/ask"
DOCUMENTS_PATH = "/v1/documents"
_BASIC = HTTPBasic(auto_error=False)


class AskRequest(BaseModel):
    """The question and, for follow-ups, the conversation so far (oldest first; null is none)."""

    question: str
    history: list[tuple[str, str]] | None = None


class AddRequest(BaseModel):
    """An article to add, by its URL."""

    url: str


async def _json(request: Request) -> Any:
    """The request's JSON: 415 if it is not declared JSON, 400 if it is not JSON."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise HTTPException(415, "the request body must be JSON, sent as Content-Type: application/json")
    try:
        # Python's reader, not pydantic's: it takes a lone surrogate ("\\ud800"), which the
        # service then cleans from a question or history as Gradio's /ask does.
        return json.loads(await request.body())
    except ValueError:
        raise HTTPException(400, "the request body is not JSON") from None


def add_rest_api(
    app: FastAPI,
    ask: Callable[[str, list[list[str]]], dict[str, Any]],
    auth: tuple[str, str] | None,
    add_url: Callable[[str], dict[str, Any]] | None = None,
) -> None:
    """Route POST /v1/ask to `ask`; a refused question is a 400 carrying the reason. With
    `add_url`, POST /v1/documents adds an article by its URL."""

    def allowed(credentials: Annotated[HTTPBasicCredentials | None, Depends(_BASIC)]) -> None:
        if auth is None:
            return
        if credentials is None or not (
            compare_digest(credentials.username.encode(), auth[0].encode())
            and compare_digest(credentials.password.encode(), auth[1].encode())
        ):
            raise HTTPException(401, "user and password required", headers={"WWW-Authenticate": "Basic"})

    async def read_body(request: Request) -> AskRequest:
        """The request: 415 if it is not declared JSON, 400 if it is not JSON, 422 if it is not a
        question with an optional history (its size is bounded by qa.ui.limits before this)."""
        raw = await _json(request)
        try:
            return AskRequest.model_validate(raw)
        except ValidationError as exc:
            raise RequestValidationError(exc.errors(include_url=False, include_input=False)) from None

    def ask_route(
        body: Annotated[AskRequest, Depends(read_body)], _: Annotated[None, Depends(allowed)]
    ) -> JSONResponse:
        result = ask(body.question, [list(turn) for turn in body.history or []])
        refused = bool(result.get("error")) and not result.get("answer")
        return JSONResponse(result, status_code=400 if refused else 200)

    app.add_api_route(
        ASK_PATH,
        ask_route,
        methods=["POST"],
        summary="Answer one question with citations",
        openapi_extra={"requestBody": {"content": {"application/json": {"schema": AskRequest.model_json_schema()}}}},
    )
    if add_url is None:
        return

    async def read_add(request: Request) -> AddRequest:
        try:
            return AddRequest.model_validate(await _json(request))
        except ValidationError as exc:
            raise RequestValidationError(exc.errors(include_url=False, include_input=False)) from None

    def add_route(body: Annotated[AddRequest, Depends(read_add)], _: Annotated[None, Depends(allowed)]) -> JSONResponse:
        try:
            return JSONResponse(add_url(body.url))
        except BadRequest as exc:
            return JSONResponse({"detail": str(exc)}, status_code=400)
        except Exception as exc:  # the corpus and the index are as they were (Library.add_url)
            log.exception("adding %s failed", body.url[:200])
            why = f"adding failed ({type(exc).__name__}); see the server log"
            return JSONResponse({"detail": why}, status_code=500)

    app.add_api_route(
        DOCUMENTS_PATH,
        add_route,
        methods=["POST"],
        summary="Add an article by its URL",
        openapi_extra={"requestBody": {"content": {"application/json": {"schema": AddRequest.model_json_schema()}}}},
    )
