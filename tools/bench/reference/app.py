"""The FastAPI app the C service replaces, as the benchmark's reference.

Same /health document and the same /v1/echo contract as services/api
(message: 1..1024 characters, repeat: 1..10, no other fields), so the
benchmark compares like with like. Run by tools/bench/bench.py with Debian's
python3-fastapi and python3-uvicorn: `python3 -m uvicorn app:app`.
"""

import os
import uuid

from fastapi import FastAPI, Request
from pydantic import BaseModel, Extra, conint, constr

STAGE = os.environ.get("API_STAGE", "")
app = FastAPI(root_path="/" + STAGE if STAGE else "")

HEALTH = {
    "status": "ok",
    "environment": os.environ.get("APP_ENV", "local"),
    "stage": STAGE,
    "version": os.environ.get("APP_VERSION", "dev"),
    "image_digest": os.environ.get("IMAGE_DIGEST", ""),
}


class EchoRequest(BaseModel):
    message: constr(min_length=1, max_length=1024)
    repeat: conint(ge=1, le=10) = 1

    class Config:
        extra = Extra.forbid


@app.get("/health")
def health():
    return HEALTH


@app.post("/v1/echo")
def echo(body: EchoRequest, request: Request):
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    return {
        "message": body.message,
        "repeat": body.repeat,
        "echo": [body.message] * body.repeat,
        "request_id": request_id,
    }
