"""The repository's setup files agree with each other."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def requirement_name(spec: str) -> str:
    return re.split(r"[<>=!~ \[;]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def pyproject_packages() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += extra
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


def test_environment_yml_names_the_same_packages_as_pyproject():
    assert environment_packages().keys() == pyproject_packages().keys()


def test_environment_yml_uses_the_same_version_ranges():
    env, py = environment_packages(), pyproject_packages()
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


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test\b", ci, re.M), ".ci/run must run the README's test command"
