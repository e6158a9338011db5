"""Run bandit (medium severity and up) and pip-audit; fail on findings not in the allow-list.

Usage: python scripts/security_audit.py bandit|pip-audit

The allow-list is scripts/security-allowlist.toml: each entry names a finding and why it is safe.
pip-audit asks PyPI's vulnerability data; when PyPI cannot be reached it prints a warning and
passes, so an offline run is not blocked (CI reaches PyPI and runs it for real).
"""

import json
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWLIST = ROOT / "scripts" / "security-allowlist.toml"
SOURCES = ["config", "core", "incidents", "oncall", "retainer", "postmortems"]
BIN = Path(sys.executable).parent


def allowlist() -> dict[str, list[dict]]:
    entries = tomllib.loads(ALLOWLIST.read_text())
    for kind in ("bandit", "pip-audit"):
        for entry in entries.get(kind, []):
            if not str(entry.get("reason", "")).strip():
                sys.exit(f"{ALLOWLIST.name}: a {kind} entry has no reason: {entry}")
    return entries


def run_bandit() -> int:
    result = subprocess.run(  # noqa: S603 - our own venv's bandit
        [str(BIN / "bandit"), "-q", "-r", *SOURCES, "-x", "*/migrations/*", "-ll", "-f", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    report = json.loads(result.stdout or "{}")
    if report.get("errors"):
        print(json.dumps(report["errors"], indent=2))
        return 1
    allowed = {
        (entry["path"], test) for entry in allowlist().get("bandit", []) for test in entry["tests"]
    }
    unexplained = [
        f"{item['filename']}:{item['line_number']} {item['test_id']} {item['issue_text']}"
        for item in report.get("results", [])
        if (item["filename"].removeprefix("./"), item["test_id"]) not in allowed
    ]
    explained = len(report.get("results", [])) - len(unexplained)
    print(f"bandit: {explained} finding(s) explained in {ALLOWLIST.name}, {len(unexplained)} not")
    for line in unexplained:
        print(f"  {line}")
    return 1 if unexplained else 0


def pypi_reachable() -> bool:
    try:
        with urllib.request.urlopen("https://pypi.org/simple/pip/", timeout=10):
            return True
    except OSError:
        return False


def run_pip_audit() -> int:
    if not pypi_reachable():
        print("!! pip-audit skipped: PyPI is not reachable, so no vulnerability data (offline?)")
        return 0
    result = subprocess.run(  # noqa: S603 - our own venv's pip-audit
        [str(BIN / "pip-audit"), "--progress-spinner", "off", "--skip-editable", "-f", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(result.stdout + result.stderr)
        return 1
    allowed = {(e["id"], e["package"].lower()) for e in allowlist().get("pip-audit", [])}
    found = [
        (vuln["id"], dep["name"].lower(), dep["version"], vuln.get("fix_versions", []))
        for dep in report.get("dependencies", [])
        for vuln in dep.get("vulns", [])
    ]
    unexplained = [f for f in found if (f[0], f[1]) not in allowed]
    print(f"pip-audit: {len(found) - len(unexplained)} explained, {len(unexplained)} not")
    for vuln_id, name, version, fixes in unexplained:
        print(f"  {name} {version}: {vuln_id} (fixed in {', '.join(fixes) or 'no release yet'})")
    return 1 if unexplained else 0


if __name__ == "__main__":
    tool = sys.argv[1] if len(sys.argv) > 1 else ""
    if tool not in ("bandit", "pip-audit"):
        sys.exit(__doc__)
    sys.exit(run_bandit() if tool == "bandit" else run_pip_audit())
