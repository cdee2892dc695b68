"""Fixtures of the deployment tests: the checking tools, a scratch copy of the deployment files, renders.

The tools (kubectl, kubernetes-validate, the Istio schemas, checkov, hadolint, promtool, prometheus,
actionlint, yamllint) are installed by scripts/deploy_checks/install_tools.sh into var/deploy-tools, once
and cached. On a developer machine that cannot install them these tests skip; under CI they fail.
No Django settings are needed: every service runs as its own process.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "scripts" / "deploy_checks" / "install_tools.sh"
CHECK_DEPLOY = ROOT / "scripts" / "check_deploy.sh"
# What scripts/check_deploy.sh reads; a scratch copy holds exactly these (no var/, no .venv).
DEPLOY_PATHS = [
    "k8s",
    "ops",
    "terraform",
    "docker",
    ".github",
    "scripts/check_deploy.sh",
    "scripts/ensure_uv.sh",
    "scripts/deploy_checks",
    ".yamllint",
    "docker-compose.yml",
    *(f"{service}_service/Dockerfile" for service in ("catalog", "accounts", "orders", "tasks")),
]
MANUAL_PORTS = range(18600, 18700)


@dataclass(frozen=True)
class Tools:
    root: Path

    @property
    def python(self) -> Path:
        return self.root / "venv" / "bin" / "python"

    @property
    def promtool(self) -> Path:
        return self.root / "prometheus" / "usr" / "bin" / "promtool"

    @property
    def prometheus(self) -> Path:
        return self.root / "prometheus" / "usr" / "bin" / "prometheus"


@pytest.fixture(scope="session")
def deploy_tools() -> Tools:
    tools = Tools(ROOT / "var" / "deploy-tools")
    result = subprocess.run([str(INSTALLER)], capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        message = f"could not install the deployment tools:\n{result.stdout}\n{result.stderr}"
        if os.environ.get("CI"):
            pytest.fail(message)
        # The "needs ...: get it with `...`" shape that scripts/run_tests.py counts in its summary line.
        pytest.skip(
            "needs the deployment tools: they could not be installed into var/deploy-tools; get it with "
            f"`scripts/deploy_checks/install_tools.sh` (needs access to PyPI, npm and Debian)\n{message}"
        )
    return tools


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    """A scratch copy of the deployment files, to break one thing in and run the checks on."""
    copy = tmp_path / "repo"
    for relative in DEPLOY_PATHS:
        source = ROOT / relative
        target = copy / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
        else:
            shutil.copy2(source, target)
    return copy


def run_checks(root: Path, tools: Tools, *checks: str) -> subprocess.CompletedProcess:
    """scripts/check_deploy.sh of the tree at ``root`` (its own copy of the script), with the shared tools."""
    env = {**os.environ, "DEPLOY_TOOLS_DIR": str(tools.root)}
    return subprocess.run(
        [str(root / "scripts" / "check_deploy.sh"), *checks],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def render_overlay(tools: Tools, overlay: str, root: Path = ROOT) -> list[dict]:
    """The overlay rendered by kubectl kustomize, as a list of resources (YAML read by the tools' PyYAML)."""
    rendered = subprocess.run(
        ["kubectl", "kustomize", str(root / "k8s" / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return load_yaml_documents(tools, rendered)


def load_yaml_documents(tools: Tools, text: str) -> list[dict]:
    converted = subprocess.run(
        [
            str(tools.python),
            "-c",
            "import json,sys,yaml; json.dump([d for d in yaml.safe_load_all(sys.stdin) if d], sys.stdout)",
        ],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return json.loads(converted)


def free_ports(count: int) -> list[int]:
    """Distinct free loopback ports in the range reserved for manual runs of this area (18600-18699)."""
    held: list[socket.socket] = []
    try:
        for port in MANUAL_PORTS:
            probe = socket.socket()
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                probe.close()
                continue
            held.append(probe)
            if len(held) == count:
                return [sock.getsockname()[1] for sock in held]
        raise RuntimeError(f"fewer than {count} free ports in 18600-18699")
    finally:
        for sock in held:
            sock.close()
