"""The import layers of docs/architecture.md, enforced: no arrow up, no circle, no private name across files.

Every import counts, at the top of a file or inside a function (a lazy import is still an arrow); an import
under ``if TYPE_CHECKING:`` names a type for annotations only and does not.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "sg_assess"

# From the bottom up: a module may import its own layer and those below (docs/architecture.md, "Layers").
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("basics", ("sg_assess", "sg_assess.errors", "sg_assess.paths", "sg_assess.safetext", "sg_assess.words", "sg_assess.fileio",
                "sg_assess.identity", "sg_assess.statuses", "sg_assess.plausible", "sg_assess.crash",
                "sg_assess.config", "sg_assess.config_write")),
    ("questionnaire", ("sg_assess.questionnaire",)),
    ("the record and its checks", ("sg_assess.records", "sg_assess.quality")),
    ("store", ("sg_assess.store",)),
    ("exports", ("sg_assess.export",)),
    ("front ends", ("sg_assess.cli_base", "sg_assess.cli", "sg_assess.cli_review", "sg_assess.cli_team",
                    "sg_assess.terminal", "sg_assess.demo", "sg_assess.entry", "sg_assess.__main__",
                    "sg_assess.tui")),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in SRC.rglob("*.py") if "migrations" not in p.parts}


def layer_of(name: str) -> int:
    best, found = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), index
    assert found >= 0, f"{name} is in no layer: add it to LAYERS and to docs/architecture.md"
    return found


def imports(path: Path, known: dict[str, Path]) -> list[tuple[str, list[str], int]]:
    """(module imported, names taken from it, line) for every import outside ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(sub) for node in ast.walk(tree)
                   if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                   for sub in ast.walk(node)}
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names if alias.name.startswith("sg_assess")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if not base.startswith("sg_assess"):
                continue
            names = [alias.name for alias in node.names]
            submodules = [f"{base}.{n}" for n in names if f"{base}.{n}" in known]
            found += [(m, [], node.lineno) for m in submodules]
            found.append((base, [n for n in names if f"{base}.{n}" not in known], node.lineno))
    out = []
    for target, names, line in found:
        while target not in known and "." in target:
            target = target.rpartition(".")[0]
        if target in known and target != here:
            out.append((target, names, line))
    return out


def graph() -> dict[str, list[tuple[str, list[str], int]]]:
    known = modules()
    return {name: imports(path, known) for name, path in known.items()}


Graph = dict[str, list[tuple[str, list[str], int]]]


def upward(g: Graph) -> list[str]:
    return [f"{src}:{line} imports {dst} ({LAYERS[layer_of(src)][0]} -> {LAYERS[layer_of(dst)][0]})"
            for src, targets in g.items() for dst, _, line in targets if layer_of(dst) > layer_of(src)]


def circles(g: Graph) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one module."""
    edges = {src: {dst for dst, _, _ in targets} for src, targets in g.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def private_imports(g: Graph) -> list[str]:
    def private(name: str) -> bool:
        return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))  # __version__ is public

    return [f"{src}:{line} imports {', '.join(n for n in names if private(n))} from {dst}"
            for src, targets in g.items() for dst, names, line in targets if any(private(n) for n in names)]


def test_every_module_is_in_a_layer() -> None:
    for name in modules():
        layer_of(name)


def test_no_import_goes_up_a_layer() -> None:
    wrong = upward(graph())
    assert not wrong, "\n".join(wrong)


def test_no_import_circle() -> None:
    assert not circles(graph())


def test_no_private_name_is_imported_from_another_file() -> None:
    wrong = private_imports(graph())
    assert not wrong, "\n".join(wrong)


def test_each_check_fires_on_what_it_forbids() -> None:
    g: Graph = {"sg_assess.store.repository": [("sg_assess.tui.app", ["SgApp"], 3)],
                "sg_assess.cli": [("sg_assess.cli_review", ["_note"], 5)],
                "sg_assess.cli_review": [("sg_assess.cli", ["app"], 7)]}
    assert upward(g) == ["sg_assess.store.repository:3 imports sg_assess.tui.app (store -> front ends)"]
    assert circles(g) == [["sg_assess.cli", "sg_assess.cli_review"]]
    assert private_imports(g) == ["sg_assess.cli:5 imports _note from sg_assess.cli_review"]
    fine: Graph = {"sg_assess.tui.app": [("sg_assess.store.repository", ["Store"], 1)],
                   "sg_assess.cli": [("sg_assess", ["__version__"], 2)]}
    assert upward(fine) == [] and circles(fine) == [] and private_imports(fine) == []
