#!/usr/bin/env bash
# Offline validation of the Kubernetes manifests (no cluster needed):
#   scripts/validate-k8s.sh [KUSTOMIZE_DIR]      (default deploy/k8s)
# Renders them with `kubectl kustomize` and checks every object against the Kubernetes API schemas
# (tools/k8s-validate: kubernetes-models, installed with npm ci on first use). Exits 0 when all are valid.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-$root/deploy/k8s}"
command -v kubectl >/dev/null 2>&1 || { echo "validate-k8s: kubectl not found (it renders the Kustomize manifests)" >&2; exit 2; }
command -v node >/dev/null 2>&1 || { echo "validate-k8s: node not found (it runs the schema check)" >&2; exit 2; }
validator="$root/tools/k8s-validate"
if [ ! -d "$validator/node_modules/kubernetes-models" ]; then
  (cd "$validator" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
rendered="$(kubectl kustomize "$dir")"
node "$validator/validate.mjs" <<<"$rendered"
