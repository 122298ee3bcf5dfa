"""A plain JSON endpoint beside the chat page, for scripts and other programs.

`POST /v1/ask` with `{"question": "...", "history": [["earlier question", "its answer"], ...]}`
returns the same object as the Gradio `/ask` API (Answer.to_dict()), without Gradio's queue and
event stream: one request, one JSON reply. It calls the same handler as the page, so it holds no
retrieval logic of its own. With QA_AUTH set it asks for the same user and password (HTTP Basic).
"""

# No `from __future__ import annotations`: FastAPI reads these annotations at run time.
from collections.abc import Callable
from secrets import compare_digest
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, Field, ValidationError

ASK_PATH = "/v1/ask"
_BASIC = HTTPBasic(auto_error=False)


# A question is at most a few thousand characters and a turn's answer a few hundred: a larger body
# is refused before it is read (a 50 MB one took 3.4 s to parse before the question was refused).
MAX_BODY_BYTES = 1_000_000
_TOO_LARGE = f"the request is over {MAX_BODY_BYTES:,} bytes"
_Turn = tuple[Annotated[str, Field(max_length=20_000)], Annotated[str, Field(max_length=20_000)]]


class AskRequest(BaseModel):
    """The question and, for follow-ups, the conversation so far (oldest first; null is none)."""

    question: str
    history: list[_Turn] | None = Field(default=None, max_length=200)


def add_rest_api(
    app: FastAPI,
    ask: Callable[[str, list[list[str]]], dict[str, Any]],
    auth: tuple[str, str] | None,
) -> None:
    """Route POST /v1/ask to `ask`; a refused question is a 400 carrying the reason."""

    def allowed(credentials: Annotated[HTTPBasicCredentials | None, Depends(_BASIC)]) -> None:
        if auth is None:
            return
        if credentials is None or not (
            compare_digest(credentials.username.encode(), auth[0].encode())
            and compare_digest(credentials.password.encode(), auth[1].encode())
        ):
            raise HTTPException(401, "user and password required", headers={"WWW-Authenticate": "Basic"})

    async def read_body(request: Request) -> AskRequest:
        """The request, read only up to MAX_BODY_BYTES (413 past it); 400 if it is not JSON, 422 if
        it is not a question with an optional history."""
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise HTTPException(413, _TOO_LARGE)
        raw = bytearray()
        async for part in request.stream():
            raw += part
            if len(raw) > MAX_BODY_BYTES:
                raise HTTPException(413, _TOO_LARGE)
        try:
            return AskRequest.model_validate_json(bytes(raw))
        except ValidationError as exc:
            errors = exc.errors(include_url=False, include_input=False)
            if any(e["type"] == "json_invalid" for e in errors):
                raise HTTPException(400, "the request body is not JSON") from None
            raise RequestValidationError(errors) from None

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
