"""What the rendered overlays, the compose file and the images promise, asserted on the rendered output.

checkov's probe checks are skipped for background processes (scripts/deploy_checks/checkov-skips.yaml);
these tests hold the web Deployments to them instead, and to everything else issue 9 lists per service.
"""

from __future__ import annotations

import re

import pytest

from .conftest import ROOT, load_yaml_documents, render_overlay

SERVICES = {"catalog": 8001, "accounts": 8002, "orders": 8003, "tasks": 8004}
PUBLIC_ROUTES = {
    "/api/catalog/": "catalog",
    "/api/accounts/": "accounts",
    "/api/orders/": "orders",
    "/api/tasks/": "tasks",
    "/.well-known/jwks.json": "accounts",
}


@pytest.fixture(scope="module", params=["dev", "prod"])
def overlay(request, deploy_tools) -> tuple[str, list[dict]]:
    return request.param, render_overlay(deploy_tools, request.param)


def _by_kind(resources: list[dict], kind: str) -> dict[str, dict]:
    return {resource["metadata"]["name"]: resource for resource in resources if resource["kind"] == kind}


def _pod_specs(resources: list[dict]) -> dict[str, dict]:
    return {
        f"{resource['kind']}/{resource['metadata']['name']}": resource["spec"]["template"]["spec"]
        for resource in resources
        if resource["kind"] in ("Deployment", "Job")
    }


def test_every_web_deployment_has_probes_resources_and_a_service_hpa_and_pdb(overlay):
    _, resources = overlay
    deployments = _by_kind(resources, "Deployment")
    services, hpas, pdbs = (
        _by_kind(resources, "Service"),
        _by_kind(resources, "HorizontalPodAutoscaler"),
        _by_kind(resources, "PodDisruptionBudget"),
    )
    for name, port in SERVICES.items():
        (container,) = deployments[name]["spec"]["template"]["spec"]["containers"]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["ports"] == [{"name": "http", "containerPort": port, "protocol": "TCP"}]
        assert set(container["resources"]["requests"]) == {"cpu", "memory"}
        assert set(container["resources"]["limits"]) == {"cpu", "memory"}
        assert {"configMapRef": {"name": f"{name}-config"}} in container["envFrom"]
        assert {"secretRef": {"name": f"{name}-secrets"}} in container["envFrom"]
        assert services[name]["spec"]["ports"][0]["port"] == port
        assert hpas[name]["spec"]["scaleTargetRef"]["name"] == name
        assert pdbs[name]["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"] == "web"


def test_every_pod_is_non_root_with_a_read_only_root_and_a_tmp_volume(overlay):
    _, resources = overlay
    specs = _pod_specs(resources)
    assert len(specs) == 4 + 13 + 4 + 1  # web, background processes, migration Jobs, the Kafka topics Job
    for where, spec in specs.items():
        assert spec["securityContext"]["runAsNonRoot"] is True, where
        assert spec["automountServiceAccountToken"] is False, where
        (container,) = spec["containers"]
        security = container["securityContext"]
        assert security["readOnlyRootFilesystem"] is True, where
        assert security["allowPrivilegeEscalation"] is False, where
        assert security["capabilities"] == {"drop": ["ALL"]}, where
        assert security["seccompProfile"] == {"type": "RuntimeDefault"}, where
        assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"], where
        assert {"name": "tmp", "emptyDir": {"sizeLimit": "256Mi"}} in spec["volumes"], where


def test_background_processes_run_the_documented_commands(overlay):
    _, resources = overlay
    commands = {
        name: deployment["spec"]["template"]["spec"]["containers"][0]["args"]
        for name, deployment in _by_kind(resources, "Deployment").items()
        if deployment["metadata"]["labels"]["app.kubernetes.io/component"] != "web"
    }
    assert commands == {
        "catalog-relay": ["python", "manage.py", "relay_outbox", "--metrics-port", "9100"],
        "catalog-consumer": ["python", "manage.py", "consume_events"],
        "catalog-reservation-expirer": ["python", "manage.py", "reservation_expire_overdue", "--loop", "30"],
        "catalog-import-jobs": ["python", "manage.py", "run_import_jobs", "--loop", "5"],
        "accounts-relay": ["python", "manage.py", "relay_outbox", "--metrics-port", "9100"],
        "orders-relay": ["python", "manage.py", "relay_outbox", "--metrics-port", "9100"],
        "orders-consumer": ["python", "manage.py", "consume_events"],
        "orders-order-expirer": ["python", "manage.py", "order_expire_overdue", "--loop", "30"],
        "orders-webhook-deliverer": ["python", "manage.py", "deliver_sandbox_webhooks", "--loop", "2"],
        "tasks-relay": ["python", "manage.py", "relay_outbox", "--metrics-port", "9100"],
        "tasks-consumer": ["python", "manage.py", "consume_events"],
        "tasks-worker": ["celery", "-A", "config", "worker", "--loglevel=INFO"],
        "tasks-beat": [
            "celery", "-A", "config", "beat", "--loglevel=INFO",
            "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler", "--pidfile=",
        ],
    }  # fmt: skip


def test_beat_is_a_single_replica_recreated_never_autoscaled(overlay):
    _, resources = overlay
    beat = _by_kind(resources, "Deployment")["tasks-beat"]
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    assert all(
        hpa["spec"]["scaleTargetRef"]["name"] != "tasks-beat"
        for hpa in _by_kind(resources, "HorizontalPodAutoscaler").values()
    )


def test_each_service_has_a_migration_job_outside_the_mesh(overlay):
    _, resources = overlay
    jobs = {name: job for name, job in _by_kind(resources, "Job").items() if name.endswith("-migrate")}
    assert sorted(jobs) == sorted(f"{name}-migrate" for name in SERVICES)
    for job in jobs.values():
        assert job["spec"]["template"]["spec"]["containers"][0]["args"] == [
            "python",
            "manage.py",
            "migrate",
            "--noinput",
        ]
        assert job["spec"]["template"]["metadata"]["annotations"] == {"sidecar.istio.io/inject": "false"}


def test_one_job_creates_the_kafka_topics_with_the_replication_the_brokers_expect(overlay):
    name, resources = overlay
    job = _by_kind(resources, "Job")["catalog-kafka-topics"]
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["python", "manage.py", "kafka_topics"]
    assert job["spec"]["template"]["metadata"]["annotations"] == {"sidecar.istio.io/inject": "false"}
    config = _by_kind(resources, "ConfigMap")["catalog-config"]["data"]
    expected = ("1", "1") if name == "dev" else ("3", "2")  # dev: one in-cluster broker; prod: MSK
    assert (config["EVENTS_KAFKA_REPLICATION"], config["EVENTS_KAFKA_MIN_INSYNC_REPLICAS"]) == expected
    assert config["EVENTS_KAFKA_AUTO_CREATE_TOPICS"] == "false"


def test_network_policies_deny_by_default_and_allow_only_declared_callers(overlay):
    _, resources = overlay
    policies = _by_kind(resources, "NetworkPolicy")
    assert policies["default-deny-all"]["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    catalog_from = policies["catalog-web-ingress"]["spec"]["ingress"][0]["from"]
    callers = sorted(
        peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for peer in catalog_from if "podSelector" in peer
    )
    assert callers == ["orders", "tasks"]
    assert "tasks-web-ingress" in policies and not any(
        "podSelector" in peer for peer in policies["tasks-web-ingress"]["spec"]["ingress"][0]["from"]
    )


def test_the_gateway_routes_each_public_path_with_a_timeout_and_retries(overlay):
    _, resources = overlay
    virtual_service = _by_kind(resources, "VirtualService")["shop-api"]
    routes = {}
    for route in virtual_service["spec"]["http"]:
        (match,) = route["match"]
        path = match["uri"].get("prefix") or match["uri"]["exact"]
        routes[path] = route["route"][0]["destination"]["host"].split(".")[0]
        assert re.fullmatch(r"\d+s", route["timeout"])
        assert route["retries"]["attempts"] >= 1
        assert "connect-failure" in route["retries"]["retryOn"]
    assert routes == PUBLIC_ROUTES


def test_mesh_security_is_strict_mtls_deny_by_default_and_jwt_from_the_accounts_jwks(overlay):
    _, resources = overlay
    (peer,) = _by_kind(resources, "PeerAuthentication").values()
    assert peer["metadata"]["namespace"] == "istio-system"
    assert peer["spec"] == {"mtls": {"mode": "STRICT"}}
    policies = _by_kind(resources, "AuthorizationPolicy")
    assert policies["deny-by-default"]["spec"] == {}
    orders_principals = policies["catalog-allow"]["spec"]["rules"][0]["from"][0]["source"]["principals"]
    assert "cluster.local/ns/shop/sa/orders" in orders_principals
    assert all(not principal.endswith("/sa/accounts") for principal in orders_principals)
    (jwt_rule,) = _by_kind(resources, "RequestAuthentication")["accounts-jwt"]["spec"]["jwtRules"]
    assert jwt_rule["jwksUri"].endswith("/.well-known/jwks.json")
    assert jwt_rule["issuer"] == "https://accounts.cosmeticos.co"
    for name in SERVICES:
        traffic = _by_kind(resources, "DestinationRule")[name]["spec"]["trafficPolicy"]
        assert traffic["connectionPool"]["http"]["http1MaxPendingRequests"] > 0
        assert traffic["outlierDetection"]["consecutive5xxErrors"] > 0


def test_only_the_dev_overlay_carries_secret_templates_and_only_placeholders(overlay):
    name, resources = overlay
    secrets = _by_kind(resources, "Secret")
    if name == "prod":
        assert secrets == {}
        return
    assert sorted(secrets) == ["accounts-jwt", "accounts-secrets", "catalog-secrets", "orders-secrets", "tasks-secrets"]
    for secret in secrets.values():
        for value in secret["stringData"].values():
            assert "change-me" in value or value == "[]" or "://redis" in value or value.startswith("kafka."), value


def test_compose_runs_every_process_of_the_kubernetes_overlays(deploy_tools):
    compose = load_yaml_documents(deploy_tools, (ROOT / "docker-compose.yml").read_text())[0]
    services = compose["services"]
    resources = render_overlay(deploy_tools, "prod")
    for name, deployment in _by_kind(resources, "Deployment").items():
        assert services[name]["command"] == deployment["spec"]["template"]["spec"]["containers"][0]["args"], name
    for name in services:
        for dependency in services[name].get("depends_on", []):
            assert dependency in services, f"{name} depends on unknown {dependency}"
    for infrastructure in (
        "postgres",
        "mongodb",
        "redis",
        "rabbitmq",
        "kafka",
        "prometheus",
        "grafana",
        "elasticsearch",
        "logstash",
        "filebeat",
        "kibana",
    ):
        assert infrastructure in services
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft, no ZooKeeper
    assert services["catalog"]["depends_on"]["catalog-migrate"] == {"condition": "service_completed_successfully"}


def test_each_service_image_is_multi_stage_non_root_with_a_healthcheck():
    for name, port in SERVICES.items():
        dockerfile = (ROOT / f"{name}_service" / "Dockerfile").read_text()
        assert dockerfile.count("\nFROM python:3.11.14-slim-bookworm AS ") == 2
        assert "uv sync --frozen --no-dev" in dockerfile
        assert "\nUSER 10001:10001\n" in dockerfile
        assert "\nHEALTHCHECK " in dockerfile
        assert f"\nEXPOSE {port}\n" in dockerfile
        assert '\nCMD ["web"]\n' in dockerfile


def test_orders_takes_real_payments_in_the_overlays_with_credentials_from_its_secret(overlay):
    """Production manifests select Mercado Pago (the service refuses the sandbox with SHOP_ENVIRONMENT=production)
    and let orders reach the PSP's HTTPS API; the credentials are Secret keys, never ConfigMap values."""
    name, resources = overlay
    config = _by_kind(resources, "ConfigMap")["orders-config"]["data"]
    assert (config["SHOP_ENVIRONMENT"], config["ORDERS_PAYMENT_PROVIDER"]) == ("production", "mercadopago")
    assert not any(key.startswith("MERCADOPAGO_") and key != "MERCADOPAGO_API_URL" for key in config)
    psp = _by_kind(resources, "NetworkPolicy")["orders-egress-psp"]["spec"]["egress"]
    assert psp == [
        {
            "to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]}}],
            "ports": [{"protocol": "TCP", "port": 443}],
        }
    ]
    if name == "dev":
        secret = _by_kind(resources, "Secret")["orders-secrets"]["stringData"]
        assert {"MERCADOPAGO_ACCESS_TOKEN", "MERCADOPAGO_WEBHOOK_SECRET"} <= set(secret)
