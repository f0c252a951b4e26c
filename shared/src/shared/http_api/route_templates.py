"""The full route template of a request (``/v1/people/{person_id}``), for metrics and access logs.

Since FastAPI 0.16x an included router is kept as a router rather than copied into its parent, and
``scope["route"]`` is the innermost route with its own, unprefixed path: ``POST /v1/people`` of a
router included under ``/v1/people`` shows ``""`` and ``GET /v1/people/{id}`` shows
``/{person_id:uuid}``. Labels like those are useless to an operator and merge different routes.

The full templates are the app's OpenAPI ``paths`` (read from its routes once per app, as
``get_openapi`` walks them, without building the schema):
among the templates of the request's method whose pattern matches the path and which end with the
matched route's own template, the most literal one wins (``/v1/cases/search`` before
``/v1/cases/{case_id}``). Routes outside the schema (health, metrics, docs) are top-level, so their
own template is already full. A path that matched no route is one label value, ``<unmatched>``:
raw paths could hold ids or personal data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import routing
from starlette.types import Scope

UNMATCHED = "<unmatched>"
_PARAM = re.compile(r"\\\{[^}]*\\\}")
_CONVERTER = re.compile(r"\{([^}:]+):[^}]+\}")
_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


@dataclass(frozen=True)
class _Template:
    template: str
    pattern: re.Pattern[str]
    literal: int  # characters outside parameters: more literal wins


def _compile(template: str) -> _Template:
    escaped = re.escape(template)
    pattern = re.compile("^" + _PARAM.sub("[^/]+", escaped) + "$")
    literal = len(re.sub(r"\{[^}]*\}", "", template))
    return _Template(template, pattern, literal)


class RouteTemplates:
    """Full templates per method, from an OpenAPI ``paths`` object."""

    def __init__(self, paths: Mapping[str, Mapping[str, Any]]) -> None:
        by_method: dict[str, list[_Template]] = {}
        for template, operations in paths.items():
            compiled = _compile(template)
            for method in operations:
                if method in _METHODS:
                    by_method.setdefault(method.upper(), []).append(compiled)
        for templates in by_method.values():
            templates.sort(key=lambda t: (-t.literal, t.template))
        self._by_method = by_method
        # (method, the route's own template) → the full template last matched: one regex match
        # per request instead of a scan, re-checked against the path every time.
        self._last: dict[tuple[str, str], _Template] = {}

    def full(self, method: str, path: str, route_path: str | None) -> str:
        """The full template of ``path`` matched by a route whose own template is ``route_path``."""
        if route_path is None:
            return UNMATCHED
        own = _CONVERTER.sub(r"{\1}", route_path)
        method = "GET" if method == "HEAD" else method
        last = self._last.get((method, own))
        if last is not None and last.pattern.match(path):
            return last.template
        for candidate in self._by_method.get(method, ()):
            if candidate.template.endswith(own) and candidate.pattern.match(path):
                self._last[method, own] = candidate
                return candidate.template
        return own if own.startswith("/") else UNMATCHED


def schema_paths(routes: Sequence[Any]) -> dict[str, dict[str, Any]]:
    """The OpenAPI document's ``paths`` templates and methods, read from the routes as FastAPI's
    own ``get_openapi`` walks them (included routers flattened with their prefixes; only API
    routes in the schema), without building the schema: that takes seconds on a large app, and
    every new app (one per test) paid it on its first request."""
    paths: dict[str, dict[str, Any]] = {}
    for context in routing.iter_route_contexts(routes):
        if not isinstance(context.original_route, routing.APIRoute):
            continue
        if not getattr(context, "include_in_schema", True):
            continue
        template = getattr(context, "path_format", None)
        methods = getattr(context, "methods", None) or ()
        if isinstance(template, str):
            paths.setdefault(template, {}).update({m.lower(): {} for m in methods})
    return paths


def route_template(scope: Scope) -> str:
    """The request's full route template (see the module docstring)."""
    route = scope.get("route")
    route_path = getattr(route, "path", None)
    if not isinstance(route_path, str):
        return UNMATCHED
    app = scope.get("app")
    templates = getattr(getattr(app, "state", None), "route_templates", None)
    if templates is None:
        templates = RouteTemplates(schema_paths(getattr(app, "routes", ())))
        if app is not None and hasattr(app, "state"):
            app.state.route_templates = templates
    return templates.full(str(scope.get("method", "")), str(scope.get("path", "")), route_path)
