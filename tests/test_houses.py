"""The three houses meet only over HTTP: the client never imports the simulator (it must
work against the real service unchanged), and the simulator's domain rules never import
the routes, the agent, the control plane or the web framework."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support import ROOT


def imports_of(folder: Path) -> dict[str, set[str]]:
    """Each module's imported names, with relative imports made absolute."""
    found: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module.removesuffix(".__init__")
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = package.split(".")
                prefix = ".".join(base[: len(base) - node.level + 1]) if node.level else ""
                names.add(".".join(part for part in (prefix, node.module or "") if part))
        found[module] = names
    return found


@pytest.mark.parametrize(
    ("house", "forbidden"),
    [
        ("client", ("simulator", "contracts", "fastapi", "starlette")),
        ("simulator/domain", ("simulator.http", "simulator.agent", "simulator.control", "fastapi", "starlette")),
    ],
)
def test_a_house_never_imports_another(house: str, forbidden: tuple[str, ...]) -> None:
    crossings = {
        module: sorted(name for name in names if name.split(".")[0] in forbidden or name.startswith(forbidden))
        for module, names in imports_of(ROOT / house).items()
    }
    assert {module: names for module, names in crossings.items() if names} == {}
