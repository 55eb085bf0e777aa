"""The package's import graph: no cycle, and dependencies pointing one way only.

Input and analysis modules never import a command module; a command never imports
another; only ``cli``, which dispatches to them, imports the commands. The graph is read
from each module's source (imports under ``TYPE_CHECKING`` count: they are dependencies
too), after importing every module, so a module that cannot be imported fails first.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

import generator

PACKAGE = generator.__name__
ENTRY = f"{PACKAGE}.cli"
COMMANDS = frozenset(f"{PACKAGE}.{name}" for name in ("check", "serve", "scaffold", "explain"))


def _modules() -> dict[str, Path]:
    found = {PACKAGE: Path(generator.__file__)}
    for info in pkgutil.walk_packages(generator.__path__, prefix=f"{PACKAGE}."):
        module = importlib.import_module(info.name)
        found[info.name] = Path(module.__file__ or "")
    return found


def imports_of(
    name: str, source: str, modules: frozenset[str], *, is_package: bool = False
) -> set[str]:
    """The package's modules that ``name`` imports, relative or absolute."""
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {module for module in found if module in modules and module != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    names = frozenset(modules)
    return {
        name: imports_of(
            name, path.read_text(encoding="utf-8"), names, is_package=path.name == "__init__.py"
        )
        for name, path in modules.items()
    }


def cycles(graph: Mapping[str, set[str]]) -> Iterator[list[str]]:
    """One cycle through each group of modules that import each other (Tarjan's SCC)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> Iterator[list[str]]:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                yield from visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1 or node in graph.get(node, ()):
                yield sorted(group)

    for node in sorted(graph):
        if node not in index:
            yield from visit(node)


def wrong_directions(graph: Mapping[str, set[str]]) -> list[str]:
    """Each import that points from an input or analysis module, or from one command, to a
    command."""
    wrong = []
    for name, targets in sorted(graph.items()):
        for target in sorted(targets & (COMMANDS | {ENTRY})):
            if name == ENTRY:
                continue
            who = "the command" if name in COMMANDS else "the module"
            wrong.append(f"{who} {name} imports the command {target}")
    return wrong


def test_every_module_imports_and_the_graph_is_read() -> None:
    graph = _graph()
    assert {ENTRY, *COMMANDS} <= set(graph)
    assert graph[ENTRY] >= COMMANDS  # the graph does see imports


def test_there_is_no_import_cycle() -> None:
    assert list(cycles(_graph())) == []


def test_dependencies_point_away_from_the_commands() -> None:
    assert wrong_directions(_graph()) == []


# The checks themselves can fail.


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        ("generator.check", "from .routing import route", {"generator.routing"}),
        ("generator.cli", "from . import check, __version__", {"generator", "generator.check"}),
        ("generator.cli", "import generator.serve as s", {"generator.serve"}),
        ("generator.serve", "if TYPE_CHECKING:\n    from .check import x", {"generator.check"}),
        ("generator.check", "import json\nfrom pathlib import Path", set()),
    ],
)
def test_imports_are_read_from_the_source(name: str, source: str, expected: set[str]) -> None:
    modules = frozenset({"generator", "generator.check", "generator.routing", "generator.serve"})
    assert imports_of(name, source, modules) == expected


def test_a_cycle_is_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert list(cycles(graph)) == [["a", "b", "c"], ["e"]]
    assert list(cycles({"a": {"b"}, "b": set()})) == []


def test_imports_towards_a_command_are_found() -> None:
    graph = {
        ENTRY: set(COMMANDS),
        f"{PACKAGE}.check": {f"{PACKAGE}.serve", f"{PACKAGE}.routing"},
        f"{PACKAGE}.feeds": {ENTRY},
    }
    assert wrong_directions(graph) == [
        f"the command {PACKAGE}.check imports the command {PACKAGE}.serve",
        f"the module {PACKAGE}.feeds imports the command {ENTRY}",
    ]
