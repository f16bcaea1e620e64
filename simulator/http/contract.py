"""openapi.yaml as the simulator's request validator.

The hand-written contract is the single source of truth: routes are registered at the
paths it names, and every request's parameters and JSON body are checked against the
schemas it holds, so the simulator cannot accept what the contract forbids (or the other
way round) without a test noticing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ..domain.errors import bad_request

SPEC_URI = "urn:nemovideo:openapi"
_PACKAGED = Path(__file__).resolve().parent.parent / "contract" / "openapi.yaml"
_IN_REPO = Path(__file__).resolve().parents[2] / "openapi.yaml"


def contract_path(name: str = "openapi.yaml") -> Path:
    """The packaged copy in an installed wheel, else the repository's own file
    (openapi.yaml at the top, the control plane's control.yaml in contracts/)."""
    packaged = _PACKAGED.with_name(name)
    if packaged.exists():
        return packaged
    return _IN_REPO if name == "openapi.yaml" else _IN_REPO.parent / "contracts" / name


_formats = FormatChecker()


@_formats.checks("uri", raises=ValueError)
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)  # raises ValueError on malformed IPv6 hosts
    return bool(parts.scheme and parts.netloc) and not any(ch.isspace() for ch in value)


@_formats.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    return not isinstance(value, str) or bool(datetime.fromisoformat(value.replace("Z", "+00:00")))


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # path, header or query
    required: bool
    validator: Draft202012Validator
    kind: str | None = None  # the schema's type, to read query strings as numbers and booleans

    def read(self, raw: str) -> Any:
        """A query string's value as its schema's type; unreadable values stay strings and fail validation."""
        if self.location != "query":
            return raw
        if self.kind == "integer" and re.fullmatch(r"-?\d{1,18}", raw):
            return int(raw)
        if self.kind == "number" and re.fullmatch(r"-?\d+(\.\d+)?", raw):
            return float(raw)
        if self.kind == "boolean" and raw in ("true", "false"):
            return raw == "true"
        return raw


@dataclass
class Operation:
    operation_id: str
    method: str
    path: str
    tags: tuple[str, ...]
    secured: bool  # needs the API's bearer token
    parameters: list[Parameter]
    body_required: bool
    body_validators: dict[str, Draft202012Validator] = field(default_factory=dict)

    @property
    def media_types(self) -> tuple[str, ...]:
        return tuple(self.body_validators)

    def check_parameters(self, path: dict[str, str], headers: Any, query: Any = None) -> dict[str, Any]:
        """Raise 400 naming each parameter that breaks the contract; return the query
        parameters the operation documents, read as their types."""
        problems: list[str] = []
        found: dict[str, Any] = {}
        sources = {"path": path, "header": headers, "query": query or {}}
        for parameter in self.parameters:
            raw = sources[parameter.location].get(parameter.name)
            if raw is None:
                if parameter.required:
                    problems.append(f"{parameter.location} parameter {parameter.name} is required")
                continue
            value = parameter.read(raw)
            for error in parameter.validator.iter_errors(value):
                problems.append(f"{parameter.location} parameter {parameter.name}: {error.message}")
            if parameter.location == "query":
                found[parameter.name] = value
        if problems:
            raise bad_request("; ".join(problems), details={"errors": problems})
        return found

    def check_body(self, media_type: str, body: Any) -> None:
        validator = self.body_validators[media_type]
        problems = [_describe(error) for error in validator.iter_errors(body)]
        if problems:
            message = "Request body does not match the contract: " + "; ".join(problems[:5])
            raise bad_request(message, details={"errors": problems[:20]})


def _describe(error: Any) -> str:
    """Where and what, plus the failing schema's own description when it has one, since
    that says the rule in words ("not exportable without ...") where jsonschema cannot."""
    where = "/".join(str(part) for part in error.absolute_path)
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    because = f" ({description.rstrip('.')})" if description else ""
    return f"{where or 'body'}: {error.message}{because}"


class Contract:
    def __init__(self, text: str) -> None:
        self.text = text
        self.spec: dict[str, Any] = yaml.safe_load(text)
        self._registry = Registry().with_resource(SPEC_URI, Resource(self.spec, DRAFT202012))

    @classmethod
    def load(cls, path: Path | None = None) -> Contract:
        return cls((path or contract_path()).read_text(encoding="utf-8"))

    @cached_property
    def operations(self) -> dict[str, Operation]:
        found: dict[str, Operation] = {}
        for path, item in self.spec["paths"].items():
            for method, raw in item.items():
                if method in ("get", "post", "put", "patch", "delete"):
                    pointer = f"/paths/{_escape(path)}/{method}"
                    found[raw["operationId"]] = self._operation(path, method, raw, pointer)
        return found

    @cached_property
    def _routes(self) -> list[tuple[str, re.Pattern[str], Operation]]:
        routes = []
        for operation in self.operations.values():
            pattern = re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(operation.path))
            routes.append((operation.method, re.compile(pattern + "$"), operation))
        return routes

    def match(self, method: str, path: str) -> Operation | None:
        """The operation a request addresses, by method and path template."""
        return next((op for verb, pattern, op in self._routes if verb == method and pattern.match(path)), None)

    def schema_validator(self, pointer: str) -> Draft202012Validator:
        """A validator for the schema at a JSON pointer inside the contract."""
        return Draft202012Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=self._registry, format_checker=_formats)

    def _operation(self, path: str, method: str, raw: dict[str, Any], pointer: str) -> Operation:
        parameters = []
        for index, entry in enumerate(raw.get("parameters", [])):
            param, param_pointer = self._follow(entry, f"{pointer}/parameters/{index}")
            schema, _ = self._follow(param["schema"], f"{param_pointer}/schema")
            parameters.append(
                Parameter(
                    name=param["name"],
                    location=param["in"],
                    required=bool(param.get("required")),
                    validator=self.schema_validator(f"{param_pointer}/schema"),
                    kind=schema.get("type") if isinstance(schema.get("type"), str) else None,
                )
            )
        body = raw.get("requestBody") or {}
        validators = {
            media_type: self.schema_validator(f"{pointer}/requestBody/content/{_escape(media_type)}/schema")
            for media_type in body.get("content", {})
        }
        return Operation(
            operation_id=raw["operationId"],
            method=method.upper(),
            path=path,
            tags=tuple(raw.get("tags", ())),
            secured=any("bearerAuth" in need for need in raw.get("security", self.spec.get("security")) or []),
            parameters=parameters,
            body_required=bool(body.get("required")),
            body_validators=validators,
        )

    def _follow(self, node: dict[str, Any], pointer: str) -> tuple[dict[str, Any], str]:
        while "$ref" in node:
            pointer = node["$ref"].removeprefix("#")
            node = self._resolve(pointer)
        return node, pointer

    def _resolve(self, pointer: str) -> dict[str, Any]:
        node: Any = self.spec
        for part in pointer.strip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def fastapi_path(openapi_path: str) -> str:
    """OpenAPI and Starlette write path templates alike; this keeps it explicit."""
    if not re.fullmatch(r"[A-Za-z0-9_/{}.\-]+", openapi_path):
        raise ValueError(f"unexpected path template {openapi_path!r}")
    return openapi_path
