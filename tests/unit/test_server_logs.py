"""The web server's own logs are JSON lines like the rest, and its plain-text access log is off: the app logs
each request itself (tests/integration/test_metrics.py)."""

from __future__ import annotations

import io
import json
import logging

from starlette.types import Receive, Scope, Send

from deploy.web import server_config
from usecases.logs import JsonLines
from web.config import WebSettings


async def nothing(scope: Scope, receive: Receive, send: Send) -> None:
    return None


def test_the_server_logs_json_lines_and_no_plain_text_access_log() -> None:
    config = server_config(nothing, WebSettings())

    assert config.access_log is False
    handlers = logging.getLogger("uvicorn").handlers
    assert [type(h.formatter) for h in handlers] == [JsonLines]
    [handler] = handlers
    assert isinstance(handler, logging.StreamHandler)
    out = io.StringIO()
    kept = handler.setStream(out)
    try:
        logging.getLogger("uvicorn.error").info("Started server process [%d]", 42)
    finally:
        handler.setStream(kept)
    line = json.loads(out.getvalue())
    assert (line["logger"], line["level"]) == ("uvicorn.error", "info")
    assert line["message"] == "Started server process [42]"
