"""Closed-loop throughput with ``wrk`` (Debian package), pinned to its own CPU.

``wrk`` keeps ``connections`` requests in flight for ``duration`` seconds (bounded in time) and a Lua
``done`` hook prints the counts and latency percentiles as one JSON line. Paths rotate through a list
so a run can spread over many products or search terms.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.lib.processes import BenchError, run_checked
from bench.lib.servers import launch_prefix

MARKER = "WRKJSON "
LUA_TEMPLATE = """
local paths = {%(paths)s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], {["Accept"] = "application/json"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%(marker)s{"requests":%%d,"duration_us":%%d,"connect":%%d,"read":%%d,"write":%%d,"status":%%d,' ..
    '"timeout":%%d,"p50_us":%%d,"p90_us":%%d,"p99_us":%%d,"max_us":%%d,"bytes":%%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, summary.bytes))
end
"""


@dataclass(frozen=True)
class LoadResult:
    """One load run: requests per second and latency in milliseconds, and how many answers were bad."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    extra: dict


def ensure_wrk() -> str:
    """Path of ``wrk``; installs the Debian package with ``apt-get install -y wrk`` when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("[bench] wrk is missing: apt-get install -y wrk", flush=True)
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, capture_output=True, timeout=600).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, timeout=600)
        subprocess.run(install, capture_output=True, timeout=600, check=True)
    found = shutil.which("wrk")
    if not found:
        raise BenchError("wrk could not be installed (apt-get install -y wrk)")
    return found


def run_wrk(
    base_url: str,
    paths: list[str],
    *,
    duration: float,
    connections: int,
    cpu: int | None,
    env: dict[str, str],
) -> LoadResult:
    """One closed-loop run of ``wrk`` against ``base_url`` cycling through ``paths``."""
    wrk = ensure_wrk()
    lua_paths = ", ".join(json.dumps(path) for path in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA_TEMPLATE % {"paths": lua_paths, "marker": MARKER})
    argv = [wrk, "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "--timeout", "5s", "-s", script.name]
    argv.append(base_url + paths[0])
    argv = [*launch_prefix(cpu), *argv]
    try:
        output = run_checked(argv, cwd=Path(tempfile.gettempdir()), env=env, timeout=duration + 30, what="wrk")
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next((line for line in output.splitlines() if line.startswith(MARKER)), None)
    if line is None:
        raise BenchError(f"wrk printed no result:\n{output[-2000:]}")
    data = json.loads(line[len(MARKER) :])
    seconds = data["duration_us"] / 1e6
    errors = data["connect"] + data["read"] + data["write"] + data["status"] + data["timeout"]
    return LoadResult(
        rps=data["requests"] / seconds if seconds else 0.0,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        requests=data["requests"],
        errors=errors,
        extra=data,
    )
