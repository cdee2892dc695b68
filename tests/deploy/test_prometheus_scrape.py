"""Prometheus, on loopback with the repository's rule files, scrapes a real catalog process and evaluates.

The catalog runs as in production (its web server from common/web_server.py: granian) on embedded
SQLite in a temporary VAR_DIR;
Prometheus is Debian's, unpacked by the deployment tools installer. The test proves that the metric
names the rules and dashboards use are the ones the service exports, that every rule evaluates without
error against real series, and that stopping the service puts ServiceDown in the pending state.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT, free_ports

RULE_FILES = sorted((ROOT / "ops" / "prometheus" / "rules").glob("*.yml"))
INFRASTRUCTURE_VARIABLES = ("DATABASE_URL", "REDIS_URL", "RABBITMQ_URL", "KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI")


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def _wait_for(description: str, probe, *, timeout: float = 60.0, interval: float = 0.5):
    """Poll ``probe`` until it returns a truthy value; fail with the description and the last value."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = probe()
        except OSError as error:  # not listening yet
            last = error
        else:
            if last:
                return last
        time.sleep(interval)
    pytest.fail(f"timed out waiting for {description}; last: {last!r}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _catalog_environment(var_dir: Path, port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not any(key.endswith(name) for name in INFRASTRUCTURE_VARIABLES)
    }
    env.update(
        VAR_DIR=str(var_dir),
        DEBUG="false",
        SECRET_KEY="deploy-test-" + secrets.token_urlsafe(48),  # DEBUG off refuses to start without one
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


@pytest.fixture(scope="module")
def migrated_var(tmp_path_factory) -> Path:
    """A VAR_DIR whose SQLite database the catalog's migrations have built, once for the module."""
    var_dir = tmp_path_factory.mktemp("catalog-var")
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT / "catalog_service",
        env=_catalog_environment(var_dir, 0),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    return var_dir


@pytest.fixture
def catalog(migrated_var, tmp_path):
    """The catalog under its production web server on a free port of 18600-18699, embedded, a fresh database copy."""
    (port,) = free_ports(1)
    var_dir = tmp_path / "var"
    shutil.copytree(migrated_var, var_dir)
    env = _catalog_environment(var_dir, port)
    workdir = ROOT / "catalog_service"
    log = open(tmp_path / "catalog.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "common.web_server", "catalog"],
        cwd=workdir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for("the catalog's /healthz", lambda: urllib.request.urlopen(f"{base}/healthz", timeout=2).status == 200)
        yield process, port, tmp_path / "catalog.log"
    finally:
        _stop(process)
        log.close()


@pytest.fixture
def prometheus(deploy_tools, catalog, tmp_path):
    """Prometheus scraping the catalog every second and evaluating the repository's rules every second."""
    _, catalog_port, _ = catalog
    (port,) = free_ports(1)
    config = tmp_path / "prometheus.yml"
    config.write_text(
        json.dumps(  # JSON is YAML: no YAML library needed in the project's environment
            {
                "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                "rule_files": [str(path) for path in RULE_FILES],
                "scrape_configs": [
                    {
                        "job_name": "shop",
                        "static_configs": [
                            {"targets": [f"127.0.0.1:{catalog_port}"], "labels": {"service": "catalog"}}
                        ],
                    }
                ],
            }
        )
    )
    check = subprocess.run([str(deploy_tools.promtool), "check", "config", str(config)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    log = open(tmp_path / "prometheus.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [
            str(deploy_tools.prometheus),
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for("Prometheus to be ready", lambda: urllib.request.urlopen(f"{base}/-/ready", timeout=2).status == 200)
        yield base
    finally:
        _stop(process)
        log.close()


def _query(prometheus: str, expr: str) -> list[dict]:
    answer = _get_json(f"{prometheus}/api/v1/query?{urllib.parse.urlencode({'query': expr})}")
    assert answer["status"] == "success", answer
    return answer["data"]["result"]


def test_prometheus_scrapes_the_catalog_and_evaluates_every_rule(catalog, prometheus):
    _, catalog_port, _ = catalog
    for path in ("/healthz", "/readyz", "/api/catalog/products", "/api/catalog/products/no-such-product"):
        with contextlib.suppress(urllib.error.HTTPError):  # a 404 is traffic too
            urllib.request.urlopen(f"http://127.0.0.1:{catalog_port}{path}", timeout=10)

    up = _wait_for("the catalog target to be up", lambda: _query(prometheus, 'up{job="shop", service="catalog"} == 1'))
    assert up[0]["metric"]["instance"] == f"127.0.0.1:{catalog_port}"

    # The django-prometheus series the rules and the services dashboard are written against.
    for metric in (
        "django_http_requests_total_by_view_transport_method_total",
        "django_http_responses_total_by_status_view_method_total",
        "django_http_requests_latency_seconds_by_view_method_bucket",
    ):
        series = _wait_for(
            f"{metric} to be scraped", lambda metric=metric: _query(prometheus, f'{metric}{{service="catalog"}}')
        )
        assert series[0]["metric"]["service"] == "catalog"

    # A recording rule computed from the scraped series: the request rate of the catalog.
    rate = _wait_for(
        "service:http_requests:rate5m for the catalog",
        lambda: _query(prometheus, 'service:http_requests:rate5m{service="catalog"}'),
    )
    assert float(rate[0]["value"][1]) > 0

    def evaluated_groups():
        groups = _get_json(f"{prometheus}/api/v1/rules")["data"]["groups"]
        done = all(group["lastEvaluation"] > "0001-01-01T00:00:00Z" for group in groups)
        return groups if groups and done else None

    groups = _wait_for("every rule group to be evaluated", evaluated_groups)
    assert sorted(group["name"] for group in groups) == [
        "business-alerts",
        "business-recording",
        "service-alerts",
        "service-recording",
    ]
    unhealthy = [
        (rule["name"], rule.get("lastError")) for group in groups for rule in group["rules"] if rule["health"] != "ok"
    ]
    assert unhealthy == []
    alerts = _get_json(f"{prometheus}/api/v1/alerts")["data"]["alerts"]
    # Every alert waits for its `for:` before firing; a slow first request on a busy machine may make the
    # latency alert pending, but nothing fires and the target is not reported down.
    assert [alert["labels"]["alertname"] for alert in alerts if alert["state"] == "firing"] == []
    assert "ServiceDown" not in [alert["labels"]["alertname"] for alert in alerts]


def test_a_stopped_service_puts_service_down_in_pending(catalog, prometheus):
    process, _, _ = catalog
    _wait_for("the catalog target to be up", lambda: _query(prometheus, 'up{job="shop", service="catalog"} == 1'))

    _stop(process)

    _wait_for("up to drop to 0", lambda: _query(prometheus, 'up{job="shop", service="catalog"} == 0'))

    def service_down_alerts():
        alerts = _get_json(f"{prometheus}/api/v1/alerts")["data"]["alerts"]
        return [alert for alert in alerts if alert["labels"]["alertname"] == "ServiceDown"]

    (alert,) = _wait_for("ServiceDown to become pending", service_down_alerts)
    assert alert["state"] == "pending"  # `for: 2m` keeps it from firing on a blip
    assert alert["labels"]["service"] == "catalog"
    assert alert["labels"]["severity"] == "critical"


def test_the_service_logs_the_json_lines_the_log_pipeline_reads(catalog):
    """ops/logstash/pipeline/shop.conf decodes one JSON object per line and promotes these fields."""
    _, catalog_port, log_file = catalog
    request = urllib.request.Request(
        f"http://127.0.0.1:{catalog_port}/api/catalog/products/no-such-product",
        headers={"X-Correlation-ID": "purchase-0001", "X-Request-ID": "request-0001"},
    )
    with contextlib.suppress(urllib.error.HTTPError):  # a 404 is logged by django.request at WARNING
        urllib.request.urlopen(request, timeout=10)

    def json_lines():
        lines = [line for line in log_file.read_text().splitlines() if line.startswith("{")]
        return [json.loads(line) for line in lines]

    entries = _wait_for("a JSON log line from the catalog", json_lines, timeout=30)
    for entry in entries:
        assert {"time", "level", "service", "logger", "message", "request_id", "correlation_id"} <= set(entry)
        assert entry["service"] == "catalog"
