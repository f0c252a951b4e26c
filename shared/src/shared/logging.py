"""JSON logs carrying the correlation id, and the correlation-id context itself.

Log records never carry personal data: access logs name the route template, never the raw path
or query string, and no request or response body is ever logged.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")

# LogRecord attributes that are not "extra" fields.
_RESERVED = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def get_request_id() -> str | None:
    """The correlation id of the request or event being handled, if any."""
    return _request_id.get()


def set_request_id(value: str | None) -> Any:
    """Set the correlation id; returns a token for :func:`reset_request_id`."""
    return _request_id.set(value)


def reset_request_id(token: Any) -> None:
    """Restore the correlation id that was current before :func:`set_request_id`."""
    _request_id.reset(token)


def accept_or_new_request_id(incoming: str | None) -> str:
    """Keep a well-formed incoming ``X-Request-ID``; otherwise make a new one.

    Incoming values are restricted to a safe character set so that nobody can inject text
    (or personal data) into our logs through the header.
    """
    if incoming and _REQUEST_ID_OK.match(incoming):
        return incoming
    return str(uuid.uuid4())


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, service, logger, message, request_id and extras.

    ``service`` names the process's service on every line (``make run`` and a log collector
    put the four services' lines in one stream); a record's own ``service`` extra wins.
    """

    def __init__(self, service: str | None = None) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
        }
        if self.service is not None:
            out["service"] = self.service
        out["logger"] = record.name
        out["msg"] = record.getMessage()
        rid = get_request_id()
        if rid:
            out["request_id"] = rid
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                out[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            # Type and stack only: an exception's message can quote submitted values (a database
            # error echoes the row), and personal data must never reach the logs.
            exc_type, _, tb = record.exc_info
            out["exc_type"] = f"{exc_type.__module__}.{exc_type.__qualname__}"
            out["stack"] = [
                f"{f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(tb)
            ]
        return json.dumps(out, default=str)


# Libraries whose INFO lines are noise in our stream: httpx logs every request the relay, the
# JWKS cache or a client makes ("HTTP Request: POST ..."), with the full URL.
QUIET_LIBRARIES = ("httpx", "httpcore")


def configure_logging(level: str = "INFO", *, service: str | None = None) -> None:
    """Route every logger (ours and uvicorn's) through one JSON handler on stderr.

    Every line names ``service``. httpx and httpcore log warnings and errors only.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        lg = logging.getLogger(name)
        lg.handlers[:] = []
        lg.propagate = True
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    # Our own access log replaces uvicorn's, which would print raw paths and query strings.
    logging.getLogger("uvicorn.access").disabled = True
