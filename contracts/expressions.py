"""The small expression language of the flows' relations, evaluated safely.

    data.total == data.available + data.frozen
    data.session_id == saved.session_id
    len(data.files) == 2 and data.files[0].file_type == "video"
    kinds(events) == ["tool_call", "tool_result", "text"]

Python syntax, but only names, attribute and item access (dict keys read as attributes),
literals, arithmetic, comparisons, boolean logic, `x if c else y`, `in`, and the functions
in FUNCTIONS.
Nothing else parses: a flow file can say what must hold, never run code.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from typing import Any

BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


class ExpressionError(ValueError):
    """The expression is not one this language allows, or names what is not there."""


def event_kind(event: Any) -> str:
    """text, partial_text, tool_call, tool_result, heartbeat or other, for either stream dialect."""
    if event in ("", None):
        return "heartbeat"
    if not isinstance(event, dict):
        return "other"
    if "type" in event:
        return {"text": "text", "tool_call": "tool_call", "tool_result": "tool_result"}.get(event["type"], "heartbeat")
    parts = (event.get("content") or {}).get("parts") or [{}]
    part = parts[0] if isinstance(parts[0], dict) else {}
    if "text" in part:
        return "partial_text" if event.get("partial") else "text"
    return "tool_call" if "functionCall" in part else "tool_result" if "functionResponse" in part else "other"


def kinds(events: list[Any]) -> list[str]:
    """The events' kinds, keep-alives left out."""
    return [kind for kind in map(event_kind, events) if kind != "heartbeat"]


def text_of(events: list[Any]) -> str:
    """The whole texts the stream sent, joined."""
    found = []
    for event in events:
        if event_kind(event) == "text":
            found.append(event["content"] if "type" in event else event["content"]["parts"][0]["text"])
    return "\n".join(found)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "len": len,
    "int": int,
    "kinds": kinds,
    "text_of": text_of,
    "startswith": lambda text, prefix: isinstance(text, str) and text.startswith(prefix),
    "matches": lambda text, pattern: isinstance(text, str) and re.search(pattern, text) is not None,
    "sorted": sorted,
    "abs": abs,
}


def evaluate(expression: str, context: dict[str, Any]) -> Any:
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot parse {expression!r}: {exc.msg}") from None
    return _eval(tree.body, context)


def _eval(node: ast.AST, context: dict[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in context:
            raise ExpressionError(f"unknown name {node.id!r}")
        return context[node.id]
    if isinstance(node, ast.Attribute):
        return _item(_eval(node.value, context), node.attr)
    if isinstance(node, ast.Subscript):
        return _item(_eval(node.value, context), _eval(node.slice, context))
    if isinstance(node, ast.List | ast.Tuple):
        return [_eval(element, context) for element in node.elts]
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        return BINARY[type(node.op)](_eval(node.left, context), _eval(node.right, context))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.USub):
        value = _eval(node.operand, context)
        return (not value) if isinstance(node.op, ast.Not) else -value
    if isinstance(node, ast.IfExp):
        return _eval(node.body if _eval(node.test, context) else node.orelse, context)
    if isinstance(node, ast.BoolOp):
        values = (_eval(value, context) for value in node.values)
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.Compare):
        left = _eval(node.left, context)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _eval(right_node, context)
            if type(op) not in COMPARE or not COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
        return FUNCTIONS[node.func.id](*(_eval(argument, context) for argument in node.args))
    raise ExpressionError(f"{type(node).__name__} is not allowed in a flow expression")


def _item(container: Any, key: Any) -> Any:
    try:
        return container[key]
    except (KeyError, IndexError, TypeError):
        raise ExpressionError(f"no {key!r} in {_excerpt(container)}") from None


def _excerpt(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
