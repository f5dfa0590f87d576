"""The OpenAPI document describes the error answers actually sent.

FastAPI documents only a 422 with its own ``HTTPValidationError`` shape, which the API never sends
(``core/errors.py`` renders every error as :class:`ErrorBody`). This adds, centrally, each error
status an operation can answer, all with that one schema, so that clients and fuzzers can trust
the document; routes need not declare them one by one.

Which statuses apply follows from what the operation is:
- every operation: 429 (rate limits, sign-in throttling), 503 (database unavailable);
- with parameters or a body: 400 (a value valid alone but not together, e.g. ``from`` after
  ``to``), 404 (a referenced id or code that does not exist), 422 (schema validation);
- with a body: 413 (request body limit);
- behind sign-in (and sign-in itself): 401; administrators only: 403; writes: 409 (conflicts,
  races, a job already running).
A status a route documents itself keeps its description and gets the schema. Every error answer
says in ``Content-Language`` which language its messages are in (``core/i18n.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from kabu_trade.core.errors import ErrorBody

REF = "#/components/schemas/ErrorBody"
DESCRIPTIONS = {
    400: "Invalid input (values that do not fit together)",
    401: "Not signed in, or the token is invalid or expired",
    403: "Not allowed (administrators only)",
    404: "Not found",
    409: "Conflict with the stored data (duplicate, concurrent change or running job)",
    413: "Request body too large",
    422: "Validation error: every invalid value is listed in `errors`",
    429: "Too many requests: retry after `Retry-After` seconds",
    503: "Database unavailable: nothing was changed; retry after `Retry-After` seconds",
}
# Messages are in the signed-in account's language, else Accept-Language's, else Japanese.
CONTENT_LANGUAGE = {
    "description": "the language of `detail` and `errors[].message`",
    "schema": {"type": "string", "enum": ["ja", "en"]},
}
WRITE_METHODS = {"post", "put", "patch", "delete"}
AUTH_TAG = "auth"
_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")


def _dependency_calls(dependant: Dependant) -> set[Callable[..., Any]]:
    calls: set[Callable[..., Any]] = set()
    for sub in dependant.dependencies:
        if sub.call is not None:
            calls.add(sub.call)
        calls |= _dependency_calls(sub)
    return calls


def _route_guards(
    app: FastAPI, signed_in: Callable[..., Any], admin: Callable[..., Any]
) -> dict[tuple[str, str], tuple[bool, bool]]:
    """(path, method) → (needs sign-in, administrators only), read from the dependency trees:
    a route needs sign-in when ``signed_in`` is among its dependencies, and so on."""
    guards: dict[tuple[str, str], tuple[bool, bool]] = {}
    # Routes of included routers sit in FastAPI's include contexts, with their prefixed paths.
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and context.path_format:
            calls = _dependency_calls(route.dependant)
            for method in context.methods or ():
                guards[(context.path_format, method.lower())] = (signed_in in calls, admin in calls)
    return guards


def _statuses(operation: dict[str, Any], method: str, signed_in: bool, admin: bool) -> list[int]:
    has_body = "requestBody" in operation
    has_input = has_body or bool(operation.get("parameters"))
    codes = {429, 503}
    if has_input:
        codes |= {400, 404, 422}
    if has_body:
        codes.add(413)
    # Sign-in and setup answer 401 to wrong credentials or a wrong setup token.
    if signed_in or (has_body and AUTH_TAG in operation.get("tags", ())):
        codes.add(401)
    if admin:
        codes.add(403)
    if method in WRITE_METHODS:
        codes.add(409)
    return sorted(codes)


def document_errors(schema: dict[str, Any], guards: dict[tuple[str, str], tuple[bool, bool]]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(error_schema.pop("$defs", {}))
    components["ErrorBody"] = error_schema
    for name in _FASTAPI_VALIDATION:
        components.pop(name, None)
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            signed_in, admin = guards.get((path, method), (False, False))
            responses = operation.setdefault("responses", {})
            for code in _statuses(operation, method, signed_in, admin):
                # A route's own description of a status (e.g. when its 404 happens) is kept.
                responses.setdefault(str(code), {"description": DESCRIPTIONS[code]})
            # Every error status, also one only the route declares, is answered by the one handler.
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    response["content"] = {"application/json": {"schema": {"$ref": REF}}}
                    response.setdefault("headers", {})["Content-Language"] = CONTENT_LANGUAGE


def install_error_documentation(
    app: FastAPI, signed_in: Callable[..., Any], admin: Callable[..., Any]
) -> None:
    """Document the error answers of every route; ``signed_in`` and ``admin`` are the dependencies
    that guard routes (given by the app, so that core knows nothing of the auth package)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            document_errors(schema, _route_guards(app, signed_in, admin))
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
