#!/usr/bin/env bash
# Offline validation of the Kubernetes manifests (no cluster needed):
#   scripts/validate-k8s.sh [--json] [KUSTOMIZE_DIR...]   (default: deploy/k8s, the co-hosted base, and
#                                                          deploy/k8s-api-host, the optional split deployment)
# Renders each with `kubectl kustomize` and checks every object against the Kubernetes API schemas
# (tools/k8s-validate: kubernetes-models, installed with npm ci on first use). Exits 0 when all are valid.
# --json: the verdicts go to stderr and stdout gets each directory's objects as one JSON array (a line each).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
json=()
if [ "${1:-}" = "--json" ]; then json=(--json); shift; fi
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=("$root/deploy/k8s" "$root/deploy/k8s-api-host")
command -v kubectl >/dev/null 2>&1 || { echo "validate-k8s: kubectl not found (it renders the Kustomize manifests)" >&2; exit 2; }
command -v node >/dev/null 2>&1 || { echo "validate-k8s: node not found (it runs the schema check)" >&2; exit 2; }
validator="$root/tools/k8s-validate"
if [ ! -d "$validator/node_modules/kubernetes-models" ]; then
  (cd "$validator" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
status=0
for dir in "${dirs[@]}"; do
  echo "== $dir" >&2
  rendered="$(kubectl kustomize "$dir")"
  node "$validator/validate.mjs" "${json[@]}" <<<"$rendered" || status=1
done
exit $status
