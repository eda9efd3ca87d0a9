"""The package's layering, read from its own imports (parsed with ``ast``: nothing here is imported, no
torch): the CLI on top, then the features, then judging, the diagnosis and the checks, then isolation,
then what comes in to be graded and the learner's workspace, and the data, i18n and metadata at the
bottom. A module may import from its own layer or one below it, never from one above; and no two
subpackages import each other, however far round.

A new subpackage or top-level module must be given its layer in LAYERS below (and a docstring saying what
it owns and what it may import); grader/ keeps at most eight top-level modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "grader"

# Bottom first. A name is a subpackage of grader (every module under it) or a top-level module.
LAYERS: list[tuple[str, set[str]]] = [
    ("data, i18n and metadata", {"i18n", "datafile", "resources", "exercises", "conventions", "cores", "data"}),
    ("what is graded and the learner's workspace", {"intake", "learner"}),
    ("isolation", {"isolation"}),
    ("diagnosis and the hidden checks", {"diagnosis", "checks"}),
    ("judging", {"judging"}),
    ("features", {"reporting", "notebook", "practice", "quiz", "lab"}),
    ("command line", {"cli", "__main__", "__init__"}),
]
MAX_TOP_LEVEL_MODULES = 8


def _unit(module: str) -> str:
    """The part of grader a module belongs to: ``grader.judging.judge`` -> ``judging``; the package's own
    ``__init__`` is ``__init__``."""
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def _layer(unit: str) -> int:
    for number, (_, units) in enumerate(LAYERS):
        if unit in units:
            return number
    raise AssertionError(f"grader.{unit} has no layer: give it one in tests/test_layering.py's LAYERS")


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts or "_bundled" in path.parts:
            continue
        parts = ("grader", *path.relative_to(PACKAGE).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(module: str, path: Path) -> set[str]:
    """Every grader module or package ``module`` imports, wherever the import stands (a function's lazy
    import is a dependency too)."""
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    modules = _modules()
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:  # `from grader import exercises` imports the module, not the package
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules else target)
    return {name for name in found if name in modules and name != module}


def _edges() -> list[tuple[str, str]]:
    return [(module, target) for module, path in _modules().items() for target in sorted(_imports(module, path))]


def violations(edges: list[tuple[str, str]]) -> list[str]:
    return [f"{module} (layer {LAYERS[_layer(_unit(module))][0]!r}) imports {target} "
            f"(layer {LAYERS[_layer(_unit(target))][0]!r}, above it)"
            for module, target in edges if _layer(_unit(target)) > _layer(_unit(module))]


def cycles(edges: list[tuple[str, str]]) -> list[list[str]]:
    """The circles in the graph of parts (subpackages and top-level modules) that import each other."""
    graph: dict[str, set[str]] = {}
    for module, target in edges:
        a, b = _unit(module), _unit(target)
        if a != b:
            graph.setdefault(a, set()).add(b)
    found, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_every_part_of_grader_has_a_layer() -> None:
    for module in _modules():
        _layer(_unit(module))


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    assert violations(_edges()) == []


def test_no_import_circle_between_subpackages() -> None:
    assert cycles(_edges()) == []


def test_the_check_itself_sees_an_upward_import_and_a_circle() -> None:
    """Broken on purpose: judging importing the CLI is both an upward import and a circle."""
    edges = [*_edges(), ("grader.judging.judge", "grader.cli.common")]
    assert violations(edges) == ["grader.judging.judge (layer 'judging') imports grader.cli.common "
                                 "(layer 'command line', above it)"]
    assert any(c[0] == c[-1] and "judging" in c and "cli" in c for c in cycles(edges))


def test_grader_keeps_few_top_level_modules() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


@pytest.mark.parametrize("package", sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py")))
def test_every_subpackage_says_what_it_owns(package: str) -> None:
    doc = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text(encoding="utf-8")))
    assert doc and len(doc) > 80, f"grader/{package}/__init__.py needs a docstring: what it owns, what it may import"
