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

from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, Field

ASK_PATH = "/v1/ask"
_BASIC = HTTPBasic(auto_error=False)


class AskRequest(BaseModel):
    """The question and, for follow-ups, the conversation so far (oldest first)."""

    question: str
    history: list[tuple[str, str]] = Field(default_factory=list)


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

    def ask_route(body: AskRequest, _: Annotated[None, Depends(allowed)]) -> JSONResponse:
        result = ask(body.question, [list(turn) for turn in body.history])
        refused = bool(result.get("error")) and not result.get("answer")
        return JSONResponse(result, status_code=400 if refused else 200)

    app.add_api_route(ASK_PATH, ask_route, methods=["POST"], summary="Answer one question with citations")
