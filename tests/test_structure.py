"""The package's shape: one direction of dependency, no private imports, short functions.

These guard the layout that CONTRIBUTING.md describes: the core (numbers, networks,
training, data) never imports plotting or widgets; figures and explorers sit on top of
the core; the command line on top of everything.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "dlfs"
MODULES = sorted(PACKAGE.rglob("*.py"))

CORE = {
    "checks",
    "files",
    "language",
    "functions",
    "gradient",
    "examples",
    "fast_gradient",
    "nets",
    "train",
    "blas",
    "datasets",
}
VISUAL_LIBRARIES = ("matplotlib", "ipywidgets", "IPython", "traitlets")
MAX_FUNCTION_LINES = 100


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__") or "__init__"


def package_imports(path: Path) -> list[tuple[str, list[str]]]:
    """(imported dlfs module, names) for every import of a dlfs module in ``path``, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path).split(".")
    package = here[:-1] if path.name != "__init__.py" else here
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = ".".join([*base, node.module] if node.module else base)
            elif node.module and node.module.startswith("dlfs"):
                target = node.module.removeprefix("dlfs").lstrip(".")
            else:
                continue
            names = [a.name for a in node.names]
            # "from . import datasets" imports a module, not a name of the package
            if not node.module:
                found += [(".".join([*base, n]) if base else n, []) for n in names]
            else:
                found.append((target, names))
        elif isinstance(node, ast.Import):
            found += [(a.name.removeprefix("dlfs").lstrip("."), []) for a in node.names if a.name.startswith("dlfs.")]
    return found


def third_party_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names


def graph() -> dict[str, set[str]]:
    edges = {}
    for path in MODULES:
        name = module_name(path)
        if name == "__init__":
            continue
        edges[name] = {target for target, _ in package_imports(path) if target and target != name}
    return edges


def test_there_is_no_import_cycle():
    edges = graph()
    state: dict[str, str] = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            nxt = nxt if nxt in edges else nxt.rsplit(".", 1)[0]  # "plots" is the package's __init__
            if state.get(nxt) == "open":
                cycle = trail[trail.index(nxt) :] + [nxt] if nxt in trail else [node, nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt in edges and nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_module_imports_another_modules_private_names(path):
    for target, names in package_imports(path):
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        assert not private, f"{module_name(path)} imports private {private} from dlfs.{target}; make it public"


@pytest.mark.parametrize("path", [p for p in MODULES if module_name(p) in CORE], ids=lambda p: module_name(p))
def test_the_core_never_imports_figures_or_widgets(path):
    name = module_name(path)
    for target, _ in package_imports(path):
        top = target.split(".")[0]
        assert top in CORE, f"core module {name} imports dlfs.{target}, which is not core"
    visual = third_party_imports(path) & set(VISUAL_LIBRARIES)
    assert not visual, f"core module {name} imports {sorted(visual)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_function_is_longer_than_about_a_hundred_lines(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body_start = node.body[0].lineno
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant):
                body_start = first.end_lineno + 1  # the docstring does not count
            length = node.end_lineno - body_start + 1
            assert length <= MAX_FUNCTION_LINES, (
                f"{module_name(path)}.{node.name} has {length} lines of code; give its steps names"
            )


def test_figures_are_built_without_pyplot():
    for path in (PACKAGE / "plots").glob("*.py"):
        assert "matplotlib.pyplot" not in path.read_text(encoding="utf-8"), (
            f"{path.name} uses pyplot; build figures with dlfs.plots.style.new_figure"
        )


def test_the_version_is_declared_once():
    import tomllib

    import dlfs

    assert not re.search(r"__version__ = .\d+\.\d", (PACKAGE / "__init__.py").read_text(encoding="utf-8"))

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert dlfs.__version__ == declared
