"""Structured logs: one JSON object a line, with the case, the command id and the trace id when known."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from opentelemetry import trace

# Extra fields a log call may carry (`extra={...}`), copied into the line when present: a step's, and a web
# request's (its method, route template, path without the query, status, milliseconds and client address).
FIELDS = (
    "case",
    "command",
    "command_id",
    "version",
    "reason",
    "method",
    "route",
    "path",
    "status",
    "ms",
    "client",
)


class JsonLines(logging.Formatter):
    """A log record as one JSON object: time, level, logger, message, the known fields, the trace id."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line |= {name: getattr(record, name) for name in FIELDS if hasattr(record, name)}
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            line["trace_id"] = format(context.trace_id, "032x")
            line["span_id"] = format(context.span_id, "016x")
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


# uvicorn's own loggers as JSON lines too (its `log_config`); its plain-text access log is off, since the web
# app logs each request itself (web.metrics.RequestTiming), with the route and the trace.
UVICORN_LOGGING: dict[str, object] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": JsonLines}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    },
    "loggers": {"uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False}},
}


def configure(level: int = logging.INFO) -> None:
    """Palermo's loggers (`palermo.*`) write JSON lines to standard error."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    logger = logging.getLogger("palermo")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False
