"""The guard rails of `make check` stay wired in: the module size check, the import
contracts, `make test` running the guards before the suite, and a pass with no test failing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tools import check_module_size

ROOT = Path(__file__).resolve().parent.parent
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def write_lines(path: Path, count: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x = 1\n" * count)


def test_module_size_flags_app_modules_over_the_limit_only(tmp_path):
    write_lines(tmp_path / "providers" / "long.py", 601)
    write_lines(tmp_path / "portal" / "at_limit.py", 600)
    write_lines(tmp_path / "sandbox" / "thia.py", 700)
    write_lines(tmp_path / "sandbox" / "thia_seed.py", 5000)  # seed data is exempt
    write_lines(tmp_path / "bookings" / "migrations" / "0001_initial.py", 5000)
    write_lines(tmp_path / "tests" / "test_long.py", 5000)  # not app code

    found = check_module_size.oversized(tmp_path)

    assert found == [(Path("sandbox/thia.py"), 700), (Path("providers/long.py"), 601)]


def test_module_size_exits_1_and_names_each_offender(tmp_path, capsys):
    write_lines(tmp_path / "bookings" / "services.py", 900)
    assert check_module_size.main(["--root", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert "bookings/services.py: 900 lines (limit 600)" in out
    assert err.startswith("FAILED module size: 1 module(s) over 600 lines")

    (tmp_path / "bookings" / "services.py").write_text("x = 1\n")
    assert check_module_size.main(["--root", str(tmp_path)]) == 0


def test_import_contracts_keep_the_layers_and_the_dev_tools_out():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = [c for c in contracts if c["type"] == "layers"]
    assert [c["layers"] for c in layers] == [["portal", "bookings", "providers"]]
    forbidden = {
        tuple(c["source_modules"]): set(c["forbidden_modules"])
        for c in contracts
        if c["type"] == "forbidden"
    }
    assert forbidden[("portal", "bookings", "providers")] == {"sandbox", "devtools"}
    assert forbidden[("sandbox",)] == {"portal", "bookings", "providers", "devtools"}


def test_make_install_brings_the_guard_tools():
    dev = " ".join(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"][
            "dev"
        ]
    )
    for tool in ("ruff", "import-linter", "django-stubs[compatible-mypy]", "pre-commit"):
        assert tool in dev


@needs_make
def test_make_test_runs_every_guard_before_the_two_pytest_passes():
    dry_run = subprocess.run(
        ["make", "-n", "test", "VENV=/nonexistent-venv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    steps = [
        "ruff check .",
        "ruff format --check .",
        "lint-imports",
        "bin/mypy",
        "makemigrations --check --dry-run",
        "tools/check_module_size.py",
        "PORTAL_TEST_SERVICES=real",
        "PORTAL_TEST_SERVICES=embedded /nonexistent-venv/bin/python -m pytest",
    ]
    positions = [dry_run.find(step) for step in steps]
    assert -1 not in positions, dict(zip(steps, positions, strict=True))
    assert positions == sorted(positions)


def test_pre_commit_runs_the_same_guards_locally():
    config = (ROOT / ".pre-commit-config.yaml").read_text()
    assert re.findall(r"^\s*- repo: (\S+)", config, re.M) == ["local"]
    for entry in (
        "ruff check",
        "ruff format --check",
        "lint-imports",
        "mypy",
        "makemigrations --check --dry-run",
        "tools/check_module_size.py",
    ):
        assert entry in config


def test_ci_passes_make_test_exit_status_on():
    script = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in script
    assert script.rstrip().splitlines()[-1] == "make test"


@needs_make
@pytest.mark.slow
def test_a_pass_that_runs_no_test_fails_make():
    # pytest exits 5 when it runs no test; make must fail on it (and .ci/run with make)
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-o",
            "install",
            "test-embedded",
            f"PY={sys.executable}",
            "PYTEST_ARGS=tests/test_guards.py -k no_test_has_this_name -p no:cacheprovider",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert "no tests ran" in result.stdout or "deselected" in result.stdout, result.stdout
    assert result.returncode != 0
    assert "Error 5" in result.stderr
