"""The repository's setup files agree with each other.

pyproject.toml gives ranges (for people who pip install dlfs); requirements/lock.txt pins the exact
versions `make lab` and `make test` install; environment.yml mirrors pyproject for conda users.
"""

import fnmatch
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "lock.txt"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][A-Za-z0-9.+!-]*)$")


def requirement_name(spec: str) -> str:
    return re.split(r"[<>=!~ \[;]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def normalized(name: str) -> str:
    """A distribution name as pip compares them (PEP 503): Jinja2, prompt_toolkit -> jinja2, prompt-toolkit."""
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_lines() -> list[str]:
    return [s for line in LOCK.read_text().splitlines() if (s := line.strip()) and not s.startswith("#")]


def lock_versions() -> dict[str, str]:
    """{normalized name: exact version} of requirements/lock.txt."""
    return {normalized(m.group(1)): m.group(2) for line in lock_lines() if (m := PIN.match(line))}


def lock_python() -> str:
    """The Python version `make lock` recorded in the lock's header ("# Python 3.11.7 on Linux x86_64")."""
    m = re.search(r"^# Python (\d+\.\d+\.\d+)\b", LOCK.read_text(), re.M)
    assert m, "requirements/lock.txt does not say which Python it was made with; run make lock"
    return m.group(1)


def makefile_rules() -> dict[str, list[str]]:
    """{target: prerequisites} of the Makefile's rules (not its variable assignments)."""
    rules = {}
    for line in (ROOT / "Makefile").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_$()./-]+)\s*:(?!=)\s*(.*)$", line)
        if m:
            rules[m.group(1)] = m.group(2).split()
    return rules


def pyproject_packages(extras: tuple[str, ...] | None = None) -> dict[str, str]:
    """The package's dependencies and those of its extras (all of them unless named)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for name, extra in project["optional-dependencies"].items():
        specs += extra if extras is None or name in extras else []
    return {requirement_name(s): s.replace(" ", "") for s in specs}


def environment_packages() -> dict[str, str]:
    # a line-based reader is enough for this flat file and needs no YAML library
    names = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        m = re.match(r"^\s*-\s+([A-Za-z0-9_.\-]+[^#]*?)\s*(#.*)?$", line)
        if not m or line.strip().startswith("- pip:"):
            continue
        spec = m.group(1).strip()
        name = requirement_name(spec)
        if name in {"python", "pip", "-e", "conda-forge"} or spec.startswith("-e"):
            continue
        names[name] = spec.replace(" ", "")
    return names


def test_environment_yml_names_what_a_learner_needs_as_pyproject_does():
    """environment.yml (conda, Binder) = the package's dependencies and its lab extra; no test or site tools."""
    assert environment_packages().keys() == pyproject_packages(("lab",)).keys()


def test_environment_yml_is_binder_ready():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s*-\s+python=3\.\d+\s", text, re.M), "repo2docker reads only an exact python=3.x pin"
    post_build = ROOT / "postBuild"
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable for repo2docker to run it"
    assert "python -m dlfs fetch-mnist" in post_build.read_text() and "overrides.json" in post_build.read_text()


def test_environment_yml_uses_the_same_version_ranges():
    env, py = environment_packages(), pyproject_packages(("lab",))
    for name in py:
        assert env[name] == py[name], f"{name}: environment.yml says {env[name]}, pyproject.toml says {py[name]}"


def test_every_environment_line_says_why():
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if re.match(r"^\s*-\s", line):
            assert "#" in line, f"environment.yml line without a reason: {line.strip()}"


def test_dependencies_are_ranges_not_pins():
    for spec in pyproject_packages().values():
        assert "==" not in spec, f"pin in pyproject.toml: {spec}; use a range"
        assert "<" in spec and ">=" in spec, f"{spec}: give a lower and an upper bound"


def test_ci_runs_the_readme_test_command_and_the_oldest_versions():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M), ".ci/run must run the README's test command"
    assert re.search(r"^make test-oldest$", ci, re.M), ".ci/run must test the lower bounds (make test-oldest)"
    assert "test-oldest" in makefile_rules()


def test_the_lock_pins_only_exact_versions():
    lines = lock_lines()
    assert len(lines) > 20, "requirements/lock.txt is (nearly) empty; run make lock"
    for line in lines:
        assert PIN.match(line), f"requirements/lock.txt: {line!r}; the lock holds only name==version lines (make lock)"
    names = [normalized(PIN.match(line).group(1)) for line in lines]
    assert len(names) == len(set(names)), "requirements/lock.txt names a package twice"
    assert "dlfs" not in names, "the lock must not pin dlfs itself (make test installs the checkout)"


def test_every_package_pyproject_names_is_pinned_in_the_lock_within_its_range():
    locked = lock_versions()
    for spec in pyproject_packages().values():
        req = Requirement(spec)
        name = normalized(req.name)
        assert name in locked, f"{name} is in pyproject.toml but not pinned in requirements/lock.txt; run make lock"
        assert req.specifier.contains(locked[name], prereleases=True), (
            f"requirements/lock.txt pins {name}=={locked[name]}, outside pyproject.toml's {spec}; run make lock"
        )


def test_make_lab_and_make_test_install_from_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^LOCK\s*:?=\s*requirements/lock\.txt\s*$", makefile, re.M), (
        "Makefile: LOCK := requirements/lock.txt"
    )
    installs = re.findall(r"^\t.*pip install .*'\.\[lab,test\]'.*$", makefile, re.M)
    assert installs, "the Makefile no longer installs '.[lab,test]'"
    for line in installs:
        assert "-c $(LOCK)" in line, f"Makefile installs without the lock: {line.strip()}"
    rules = makefile_rules()
    assert "$(LOCK)" in rules["$(STAMP)"], "the venv stamp must depend on the lock, so that a changed lock reinstalls"

    def needs(target: str) -> set[str]:
        found, todo = set(), [target]
        while todo:
            for prerequisite in rules.get(todo.pop(), []):
                if prerequisite not in found:
                    found.add(prerequisite)
                    todo.append(prerequisite)
        return found

    for target in ("lab", "test", "lint"):
        assert "$(STAMP)" in needs(target), f"make {target} does not set up the locked venv first"
    assert rules["test"][0] == "lint", "make test must run make lint first, so that CI fails on style"


def test_lint_covers_the_package_tests_and_benchmarks():
    makefile = (ROOT / "Makefile").read_text()
    linted = re.search(r"^LINTED\s*:?=\s*(.*)$", makefile, re.M)
    assert linted and set(linted.group(1).split()) >= {"dlfs", "tests", "benchmarks"}
    assert re.search(r"^\t.*ruff check \$\(LINTED\)", makefile, re.M)
    assert re.search(r"^\t.*ruff format --check \$\(LINTED\)", makefile, re.M)


def test_the_wheel_includes_every_subpackage():
    # an editable install (what make test uses) finds dlfs/plots without being told; a wheel does not
    subpackages = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "dlfs").rglob("__init__.py")}
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    if isinstance(config.get("packages"), list):
        missing = subpackages - set(config["packages"])
    else:
        include = config["packages"]["find"]["include"]
        missing = {p for p in subpackages if not any(fnmatch.fnmatchcase(p, pattern) for pattern in include)}
    assert not missing, f"pyproject.toml leaves {sorted(missing)} out of the wheel; use [tool.setuptools.packages.find]"
