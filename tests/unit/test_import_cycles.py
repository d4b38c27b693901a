"""No import cycles among Puente's modules (issue #23): read statically (grimp, the graph
import-linter checks its contracts on), imports inside functions included."""

from __future__ import annotations

import sys

import pytest

PACKAGES = ("assistant", "connectors", "actions", "edge")


def cycles(adjacency: dict[str, list[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or round about (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in adjacency.get(module, ()):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for module in sorted(adjacency):
            if module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_the_cycle_finder_finds_a_cycle_and_nothing_else():
    # GIVEN a graph with one cycle of three and a module outside it
    graph = {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": []}
    # WHEN cycles are looked for THEN the three are one group, and d is in none
    assert cycles(graph) == [["a", "b", "c"]]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_imports_itself_round_about(package):
    import grimp

    # GIVEN every import in the package, those inside functions too
    graph = grimp.build_graph(package)
    adjacency = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    # WHEN the modules that import each other are grouped
    # THEN there are none (a cycle means one of them belongs elsewhere)
    assert cycles(adjacency) == []
