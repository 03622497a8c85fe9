"""``make audit``: pip-audit over the pinned runtime requirements, with an honest answer.

pip-audit alone is misleading where its advisory source cannot be reached: a
PyPI that does not answer per-version queries makes it skip every package and
still say "No known vulnerabilities found" (exit 0), and an unreachable OSV ends
in a traceback with the same exit code as a finding (1). This wrapper reads
pip-audit's JSON report and says which it was:

    0  every package audited, no known vulnerabilities
    1  known vulnerabilities (listed)
    2  the audit could not run (pip-audit missing, unreadable lock file)
    3  the advisory source could not be reached, or not for every package:
       nothing (or not everything) was audited

    python tools/audit.py [--requirements requirements.lock] [--service pypi|osv] [pip-audit options...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

OK, VULNERABLE, CANNOT_RUN, UNREACHABLE = 0, 1, 2, 3
SOURCES = {
    "pypi": "PyPI's JSON API (https://pypi.org/pypi/<name>/<version>/json)",
    "osv": "OSV (https://api.osv.dev)",
}


def verdict(report: dict, *, service: str) -> tuple[int, list[str]]:
    """The exit code and the lines to print for pip-audit's JSON ``report``."""
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    lines = []
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version"
            lines.append(f"{dependency['name']} {dependency.get('version', '?')}: {vuln['id']} (fixed in {fixed})")
    if skipped:
        lines.append(
            f"{len(skipped)} of {len(dependencies)} packages could not be audited: {SOURCES[service]} "
            f"did not answer for them (first: {skipped[0]['skip_reason']})."
        )
    if vulnerable:
        lines.append(f"Known vulnerabilities in {len(vulnerable)} of {len(dependencies)} packages.")
        return VULNERABLE, lines
    if skipped or not dependencies:
        lines.append("The audit is incomplete: the advisory source is unreachable from here. Nothing was found, and")
        lines.append("nothing is known either; run make audit where it is reachable (or try --service osv).")
        return UNREACHABLE, lines
    lines.append(f"{len(dependencies)} packages audited against {SOURCES[service]}: no known vulnerabilities.")
    return OK, lines


def last_error(stderr: str) -> str:
    """The exception line of a traceback (or the last line), without the traceback."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    errors = [line for line in lines if "Error" in line.split(":", 1)[0] or line.startswith("ERROR")]
    return (errors or lines or ["(no output)"])[-1][:400]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requirements", default="requirements.lock")
    parser.add_argument("--service", choices=sorted(SOURCES), default="pypi")
    args, extra = parser.parse_known_args(argv)
    pip_audit = Path(sys.executable).with_name("pip-audit")
    if not pip_audit.exists():
        print("make audit: pip-audit is not installed (requirements-dev.txt).", file=sys.stderr)
        return CANNOT_RUN
    if not Path(args.requirements).is_file():
        print(f"make audit: {args.requirements} not found (make lock writes it).", file=sys.stderr)
        return CANNOT_RUN
    command = [
        str(pip_audit),
        *("--requirement", args.requirements, "--require-hashes", "--disable-pip"),
        *("--vulnerability-service", args.service, "--format", "json", "--progress-spinner", "off"),
        *extra,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)  # noqa: S603
    try:
        report = json.loads(result.stdout)
    except ValueError:
        print(
            f"make audit: the advisory source, {SOURCES[args.service]}, could not be reached; nothing was audited.\n"
            f"  pip-audit: {last_error(result.stderr)}",
            file=sys.stderr,
        )
        return UNREACHABLE
    code, lines = verdict(report, service=args.service)
    print("\n".join(f"make audit: {line}" for line in lines), file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main())
