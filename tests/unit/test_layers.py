"""The import graph of src/synthtab: every arrow points down a layer, and no module cycle.

A package may import only from its own layer or the layers below it; the list
below *is* the architecture (README "Layout"). Imports inside functions count
for the layers (a lazy import is still a dependency) but not for cycles, which
are about import order; ``if TYPE_CHECKING:`` imports count for neither.
Run alone: ``.venv/bin/python -m pytest tests/unit/test_layers.py -q``.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

#: Lowest first. "synthtab" is the package's __init__ (the public API).
LAYERS: list[set[str]] = [
    {"errors", "version", "random", "progress", "registry"},
    {"schema"},
    {"encoding"},
    {"constraints"},
    {"privacy"},
    {"models"},
    {"sampling"},
    {"io"},
    {"persistence"},
    {"evaluation"},
    {"synthesizer"},
    {"rebalance", "relational", "sequences"},
    {"synthtab"},
    {"cli"},
]
LEVEL = {part: level for level, parts in enumerate(LAYERS) for part in parts}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _part(module: str) -> str:
    """The layer part of a module: ``synthtab.models.trees`` -> ``models``."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else "synthtab"


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _imports(tree: ast.Module) -> Iterator[tuple[str, bool]]:
    """(imported synthtab module, whether at module level) for every import."""

    def visit(node: ast.AST, top: bool) -> Iterator[tuple[str, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue
            if isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                # "from package import module" imports the module, else the package
                yield from ((f"{child.module}.{alias.name}", top) for alias in child.names)
            elif isinstance(child, ast.Import):
                yield from ((alias.name, top) for alias in child.names)
            inner = top and not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            yield from visit(child, inner)

    return (item for item in visit(tree, True) if item[0].split(".")[0] == "synthtab")


def _graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    every: dict[str, set[str]] = defaultdict(set)
    top_level: dict[str, set[str]] = defaultdict(set)
    paths = sorted((SRC / "synthtab").rglob("*.py"))
    modules = {_module_name(path) for path in paths}
    for path in paths:
        module = _module_name(path)
        for name, top in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            target = name if name in modules else name.rpartition(".")[0]
            every[module].add(target)
            if top:
                top_level[module].add(target)
    return every, top_level


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle among the modules of ``graph``, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (found := visit(module)):
            return found
    return None


def test_every_package_has_a_layer() -> None:
    parts = {_part(_module_name(p)) for p in (SRC / "synthtab").rglob("*.py")}
    assert parts <= set(LEVEL), f"add {sorted(parts - set(LEVEL))} to LAYERS"


def test_no_import_goes_up_a_layer() -> None:
    every, _ = _graph()
    upward = sorted(
        f"{module} imports {target}"
        for module, targets in every.items()
        for target in targets
        if LEVEL[_part(target)] > LEVEL[_part(module)]
    )
    assert not upward, "\n".join(upward)


def test_no_module_import_cycle() -> None:
    _, top_level = _graph()
    cycle = _cycle(top_level)
    assert cycle is None, " -> ".join(cycle or [])


def test_the_checker_sees_an_upward_arrow_and_a_cycle() -> None:
    """The two checks can fail: they find a planted violation."""
    tree = ast.parse("from synthtab.models import x\ndef f():\n    import synthtab.cli\n")
    assert list(_imports(tree)) == [("synthtab.models.x", True), ("synthtab.cli", False)]
    assert LEVEL[_part("synthtab.cli.app")] > LEVEL[_part("synthtab.schema.spec")]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
