"""The package's shape: one direction of dependency, no private imports, a small package of short functions.

These guard the layout of docs DESIGN.md and dlfs/__init__.py: each module imports only modules of the
layers below it (the core never the exercises or the command line), and the whole package stays small:
at most 3,000 lines of Python, no module over 400 lines, no function over 60 (its docstring included).
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "dlfs"
MODULES = sorted(PACKAGE.rglob("*.py"))

#: Each module may import only modules of lower layers (and its own package's modules). Modules not listed
#: here (the figures and widgets the notebooks are leaving behind) are not checked, and no listed one may use them.
LAYERS = {
    "checks": 0,
    "files": 0,
    "language": 0,
    "functions": 1,
    "gradient": 2,
    "fast_gradient": 3,
    "nets": 4,
    "train": 5,
    "datasets": 5,
    "exercises": 6,
    "cli": 6,
    "__main__": 7,
}
CORE = {name for name, layer in LAYERS.items() if layer < LAYERS["exercises"]}
VISUAL_LIBRARIES = ("matplotlib", "ipywidgets", "IPython", "traitlets")
MAX_PACKAGE_LINES, MAX_MODULE_LINES, MAX_FUNCTION_LINES = 3000, 400, 60


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
    visual = third_party_imports(path) & set(VISUAL_LIBRARIES)
    assert not visual, f"core module {module_name(path)} imports {sorted(visual)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_each_module_imports_only_lower_layers(path):
    package = module_name(path).split(".")[0]
    if package not in LAYERS:
        pytest.skip(f"dlfs.{package} is not in the layer list")
    for target, _ in package_imports(path):
        top = target.split(".")[0]
        if top and top != package:
            assert LAYERS.get(top, 99) < LAYERS[package], (
                f"dlfs/{path.relative_to(PACKAGE)} imports dlfs.{target}, which is not in a layer below it"
            )


def test_the_package_is_small():
    total = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in MODULES)
    assert total <= MAX_PACKAGE_LINES, f"dlfs/ has {total} lines of Python, more than {MAX_PACKAGE_LINES}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_module_is_over_400_lines_and_no_function_over_60(path):
    where = f"dlfs/{path.relative_to(PACKAGE)}"
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES, f"{where} has {len(text.splitlines())} lines; split or shrink it"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1  # the docstring counts
            assert length <= MAX_FUNCTION_LINES, f"{where}: {node.name} has {length} lines; give its steps names"


def test_no_figure_is_built_with_pyplot():
    for path in MODULES:
        assert "matplotlib.pyplot" not in path.read_text(encoding="utf-8"), f"{path.name}: use matplotlib.figure.Figure"


def test_the_version_is_declared_once():
    import tomllib

    import dlfs

    assert not re.search(r"__version__ = .\d+\.\d", (PACKAGE / "__init__.py").read_text(encoding="utf-8"))

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert dlfs.__version__ == declared
