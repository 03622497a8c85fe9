"""The supply chain: the runtime is installed from a lock file with hashes that
covers the human list (requirements.txt), ``make sbom`` describes what is locked,
and ``make audit`` says plainly when it could not audit (tools/audit.py)."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def required_names(path: Path) -> set[str]:
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(canonical(NAME.match(line).group(1)))
    return names


def locked() -> dict[str, list[str]]:
    """Each pinned name with its hashes."""
    pins: dict[str, list[str]] = {}
    current = None
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line):
            current = canonical(match.group(1))
            pins[current] = []
        if current and (found := re.search(r"--hash=(sha256:[0-9a-f]{64})", line)):
            pins[current].append(found.group(1))
    return pins


def audit_module():
    spec = importlib.util.spec_from_file_location("tools_audit", ROOT / "tools" / "audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_locks_every_runtime_requirement_with_hashes():
    pins = locked()

    missing = required_names(ROOT / "requirements.txt") - set(pins)
    assert not missing, f"requirements.lock lacks {sorted(missing)}: run make lock"
    unhashed = [name for name, hashes in pins.items() if not hashes]
    assert not unhashed, f"pins without hashes: {unhashed}"
    assert "pip-tools" not in pins and "pytest" not in pins, "dev tools belong in requirements-dev.txt"


def test_it_installs_the_runtime_from_the_lock_with_hashes_required():
    makefile = (ROOT / "Makefile").read_text()

    assert "--require-hashes -r requirements.lock" in makefile
    assert "install --quiet -r requirements.txt" not in makefile


def test_it_writes_a_cyclonedx_sbom_of_the_locked_runtime(tmp_path):
    out = tmp_path / "sbom.cdx.json"
    # -o: the test run's virtualenv is installed already; only the SBOM is made.
    result = subprocess.run(
        ["make", "-s", "-o", ".venv/.dev-installed", "sbom", f"SBOM={out}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    sbom = json.loads(out.read_text())
    assert sbom["bomFormat"] == "CycloneDX"
    components = {canonical(c["name"]): c for c in sbom["components"]}
    assert set(components) == set(locked())
    django = components["django"]
    assert django["purl"] == f"pkg:pypi/django@{django['version']}"
    hashes = [h["content"] for ref in django["externalReferences"] for h in ref.get("hashes", [])]
    assert sorted(f"sha256:{h}" for h in hashes) == sorted(locked()["django"])


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_it_says_plainly_when_the_advisory_source_cannot_be_reached(tmp_path):
    # Every request to the advisory source goes through a proxy that is not there.
    proxy = f"http://127.0.0.1:{closed_port()}"
    env = {**os.environ, "HTTPS_PROXY": proxy, "https_proxy": proxy, "NO_PROXY": "", "no_proxy": ""}

    result = subprocess.run(
        [sys.executable, "tools/audit.py", "--cache-dir", str(tmp_path / "cache")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 3, (result.returncode, result.stdout, result.stderr[-2000:])
    assert "could not be reached; nothing was audited" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    "dependencies, code, says",
    [
        ([{"name": "django", "version": "5.2.9", "vulns": []}], 0, "no known vulnerabilities"),
        (
            [
                {"name": "django", "version": "5.2.9", "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.10"]}]},
                {"name": "redis", "skip_reason": "Dependency not found on PyPI"},
            ],
            1,
            "django 5.2.9: PYSEC-1 (fixed in 5.2.10)",
        ),
        (
            [{"name": "django", "skip_reason": "Dependency not found on PyPI"}],
            3,
            "1 of 1 packages could not be audited",
        ),
        ([], 3, "The audit is incomplete"),
    ],
    ids=["clean", "vulnerable", "all-skipped", "empty"],
)
def test_it_tells_a_clean_audit_from_one_that_audited_nothing(dependencies, code, says):
    result, lines = audit_module().verdict({"dependencies": dependencies}, service="pypi")

    assert result == code
    assert any(says in line for line in lines), lines
