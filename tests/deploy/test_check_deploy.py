"""scripts/check_deploy.sh passes on the committed tree and fails, naming the problem, when one thing breaks.

Each failure test copies the deployment files into a temporary folder, breaks exactly one thing there,
runs only the checks concerned (the full run is the first test) and asserts the exit code and message.
"""

from __future__ import annotations

from .conftest import ROOT, replace_once, run_checks


def test_every_check_passes_on_the_committed_tree(deploy_tools):
    result = run_checks(ROOT, deploy_tools)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "check-deploy: 13 checks, 0 failed" in result.stdout


def test_a_manifest_with_an_unknown_field_fails_strict_validation(deploy_tools, tree_copy):
    replace_once(tree_copy / "k8s/base/catalog/deployment.yaml", "readinessProbe:", "readinesProbe:")

    result = run_checks(tree_copy, deploy_tools, "kustomize", "k8s-validate")

    assert result.returncode == 1
    assert "== k8s-validate: FAILED" in result.stdout
    assert "readinesProbe" in result.stdout + result.stderr


def test_a_manifest_with_a_wrong_type_fails_strict_validation(deploy_tools, tree_copy):
    replace_once(tree_copy / "k8s/base/orders/service.yaml", "port: 8003", "port: eight-thousand-three")

    result = run_checks(tree_copy, deploy_tools, "kustomize", "k8s-validate")

    assert result.returncode == 1
    assert "== k8s-validate: FAILED" in result.stdout
    assert "eight-thousand-three" in result.stdout + result.stderr


def test_an_overlay_that_does_not_render_fails(deploy_tools, tree_copy):
    replace_once(tree_copy / "k8s/overlays/prod/kustomization.yaml", "  - ../../mesh\n", "  - ../../missing\n")

    result = run_checks(tree_copy, deploy_tools, "kustomize")

    assert result.returncode == 1
    assert "overlay prod does not render" in result.stdout


def test_an_istio_resource_with_a_misspelled_field_fails(deploy_tools, tree_copy):
    replace_once(tree_copy / "k8s/base/platform/virtualservice.yaml", "perTryTimeout: 5s", "perTryTimout: 5s")

    result = run_checks(tree_copy, deploy_tools, "kustomize", "istio")

    assert result.returncode == 1
    assert "== istio: FAILED" in result.stdout
    assert 'VirtualService/shop-api: .spec.http[1].retries.perTryTimout: unknown field "perTryTimout"' in result.stdout


def test_an_istio_resource_with_a_value_outside_its_enum_fails(deploy_tools, tree_copy):
    replace_once(tree_copy / "k8s/mesh/peerauthentication.yaml", "mode: STRICT", "mode: STRICTEST")

    result = run_checks(tree_copy, deploy_tools, "kustomize", "istio")

    assert result.returncode == 1
    assert "PeerAuthentication/default: /spec/mtls/mode: must be equal to one of the allowed values" in result.stdout


def test_an_alert_rule_with_invalid_promql_fails(deploy_tools, tree_copy):
    replace_once(
        tree_copy / "ops/prometheus/rules/service.rules.yml",
        'expr: up{job=~"shop|shop-relays"} == 0',
        'expr: up{job=~"shop|shop-relays" == 0',
    )

    result = run_checks(tree_copy, deploy_tools, "promtool")

    assert result.returncode == 1
    assert "== promtool: FAILED" in result.stdout
    assert "service.rules.yml" in result.stdout + result.stderr


def test_an_alert_rule_that_no_longer_fires_when_it_should_fails_its_unit_test(deploy_tools, tree_copy):
    replace_once(
        tree_copy / "ops/prometheus/rules/service.rules.yml",
        "service:http_errors:ratio5m > 0.05",
        "service:http_errors:ratio5m > 0.5",
    )

    result = run_checks(tree_copy, deploy_tools, "promtool")

    assert result.returncode == 1
    assert "alertname: HighErrorRate" in result.stdout + result.stderr


def test_a_dashboard_query_with_invalid_promql_fails(deploy_tools, tree_copy):
    replace_once(
        tree_copy / "ops/grafana/dashboards/business.json",
        "sum(rate(shop_orders_paid_total",
        "sum(rate(shop_orders_paid_total{",
    )

    result = run_checks(tree_copy, deploy_tools, "grafana")

    assert result.returncode == 1
    assert "== grafana: FAILED" in result.stdout


def test_a_checkov_skip_without_a_reason_is_refused(deploy_tools, tree_copy):
    skips = tree_copy / "scripts/deploy_checks/checkov-skips.yaml"
    skips.write_text(skips.read_text() + 'CKV_K8S_20: ""\n')

    result = run_checks(tree_copy, deploy_tools, "kustomize", "checkov")

    assert result.returncode == 1
    assert "every skipped check needs a valid id and a written reason: CKV_K8S_20" in result.stdout + result.stderr


def test_unformatted_terraform_fails_and_is_left_unchanged(deploy_tools, tree_copy):
    main_tf = tree_copy / "terraform/environments/aws-prod/main.tf"
    replace_once(main_tf, "  name   = local.name\n  tags   = local.tags", "  name = local.name\n  tags   = local.tags")
    before = main_tf.read_text()

    result = run_checks(tree_copy, deploy_tools, "terraform-fmt")

    assert result.returncode == 1
    assert "environments/aws-prod/main.tf" in result.stdout
    assert main_tf.read_text() == before


def test_a_compose_service_depending_on_an_unknown_service_fails(deploy_tools, tree_copy):
    replace_once(
        tree_copy / "docker-compose.yml",
        "      catalog-migrate:\n        condition",
        "      catalog-migrated:\n        condition",
    )

    result = run_checks(tree_copy, deploy_tools, "compose")

    assert result.returncode == 1
    assert "catalog-migrated" in result.stdout + result.stderr


def test_a_workflow_with_an_undefined_expression_fails_actionlint(deploy_tools, tree_copy):
    replace_once(tree_copy / ".github/workflows/ci.yml", "${{ env.UV_VERSION }}", "${{ envs.UV_VERSION }}")

    result = run_checks(tree_copy, deploy_tools, "actionlint")

    assert result.returncode == 1
    assert 'undefined variable "envs"' in result.stdout


def test_an_edited_generated_manifest_is_reported_out_of_date(deploy_tools, tree_copy):
    replace_once(tree_copy / "k8s/base/tasks/hpa.yaml", "maxReplicas: 6", "maxReplicas: 60")

    result = run_checks(tree_copy, deploy_tools, "generated")

    assert result.returncode == 1
    assert "k8s/base/tasks/hpa.yaml" in result.stdout
