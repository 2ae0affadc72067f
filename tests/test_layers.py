"""The package's shape: one import name, imports that only point down the layers, no cycles.

Read from the source (every `import` statement, those inside functions too), so a lazy import that
hides an upward arrow or a cycle is caught as surely as a top-level one.
"""

from __future__ import annotations

import ast
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.paths import REPO_ROOT

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PACKAGE_DIRS: dict[str, str] = PYPROJECT["tool"]["setuptools"]["package-dir"]

LAYERS: dict[str, int] = {
    "xxgk": 0,  # core types: document, contract, templates, settings, errors, resources
    "xxgk.configs": 0,
    "xxgk.models": 0,
    "xxgk.inference": 1,  # stages
    "xxgk.training": 2,  # generators and training, over the stages' features
    "xxgk.runners": 3,  # batch, Ray, jobs, bench, exports, evaluation
    "xxgk.analysis": 4,  # analyses over many extracted reports, on the exports
    "xxgk.service": 4,  # interfaces
    "xxgk.annotations": 4,
    "xxgk.cli": 5,
}
"""Rank of each mapped folder; an import may go to a lower rank or stay in its own folder."""

OLD_TOP_LEVEL = {"inference", "training", "service", "annotations", "analysis", "runners", "cli", "configs", "models"}


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int


def _modules() -> dict[str, Path]:
    """Every module of the package, by dotted name, from the folders pyproject maps."""
    found = {}
    for package, folder in PACKAGE_DIRS.items():
        root = REPO_ROOT / folder
        for path in root.rglob("*.py"):
            rel = path.relative_to(root).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            if package == "xxgk" and parts and (root / parts[0]).is_dir() and f"xxgk.{parts[0]}" in PACKAGE_DIRS:
                continue
            found[".".join([package, *parts])] = path
    return found


MODULES = _modules()


def _imports() -> list[Import]:
    out = []
    for name, path in MODULES.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in MODULES else module for a in node.names]
            else:
                continue
            out.extend(Import(name, t, node.lineno) for t in targets)
    return out


IMPORTS = _imports()


def _folder(module: str) -> str | None:
    """The mapped folder (`LAYERS` key) a module lives in: the longest matching prefix."""
    matches = [p for p in LAYERS if module == p or module.startswith(p + ".")]
    return max(matches, key=len) if matches else None


def test_pyproject_lists_every_package():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    on_disk = {name for name, path in MODULES.items() if path.name == "__init__.py"}
    assert listed == on_disk
    assert set(PACKAGE_DIRS) == set(LAYERS)


def test_one_import_name():
    stray = [f"{i.source}:{i.line} imports {i.target}" for i in IMPORTS if i.target.split(".")[0] in OLD_TOP_LEVEL]
    assert not stray, "imports outside the xxgk namespace:\n" + "\n".join(stray)


def test_imports_point_down():
    upward = []
    for i in IMPORTS:
        if not i.target.startswith("xxgk"):
            continue
        src, dst = _folder(i.source), _folder(i.target)
        if src == dst:
            continue
        if LAYERS[dst] >= LAYERS[src]:
            upward.append(f"{i.source}:{i.line} -> {i.target} ({src} rank {LAYERS[src]}, {dst} rank {LAYERS[dst]})")
    assert not upward, "imports that do not point down:\n" + "\n".join(upward)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def _module_of(target: str) -> str | None:
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


@pytest.mark.parametrize("level", ["module", "package"])
def test_no_cycles(level: str):
    edges: dict[str, set[str]] = defaultdict(set)
    for i in IMPORTS:
        dst = _module_of(i.target)
        if dst is None or dst == i.source:
            continue
        src = i.source
        if level == "package":
            src = src if MODULES[src].name == "__init__.py" else src.rpartition(".")[0]
            dst = dst if MODULES[dst].name == "__init__.py" else dst.rpartition(".")[0]
            if src == dst or src.startswith(dst + ".") or dst.startswith(src + "."):
                continue
        edges[src].add(dst)
    assert not _cycles(edges)
