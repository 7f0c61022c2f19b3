#!/usr/bin/env bash
# Checks the committed OpenAPI document (docs/openapi.json) as integrators' tools will read it:
#   1. Redocly's recommended rule set: no errors, no warnings;
#   2. Spectral's recommended OpenAPI rule set (spectral:oas): no errors;
#   3. a TypeScript client generated from it (openapi-typescript + openapi-fetch) that compiles with tsc --strict.
# The npm tools are pinned in tools/api-lint and installed there (npm ci) on first use. Exits 0 when all pass.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/tools/api-lint"
document="$root/docs/openapi.json"
if [ ! -x "$tools/node_modules/.bin/redocly" ]; then
  echo "[check-openapi] installing the pinned lint tools (npm ci in tools/api-lint)"
  (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
fi
cd "$tools"
bin="$tools/node_modules/.bin"

echo "[check-openapi] redocly lint (recommended)"
"$bin/redocly" lint "$document" --config "$tools/redocly.yaml" --format=stylish --max-problems 1000 2>&1 | grep -v "Node.js\|║\|╔\|╚" || true
redocly_json="$("$bin/redocly" lint "$document" --config "$tools/redocly.yaml" --format=json --max-problems 1000 2>/dev/null || true)"
redocly_problems="$(printf '%s' "$redocly_json" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).problems.length)}catch{console.log("unreadable")}})')"
echo "[check-openapi] redocly: $redocly_problems problems"

echo "[check-openapi] spectral lint (spectral:oas)"
spectral_status=0
"$bin/spectral" lint "$document" --ruleset "$tools/.spectral.yaml" --fail-severity=error || spectral_status=$?

echo "[check-openapi] TypeScript client: openapi-typescript, then tsc --strict"
mkdir -p "$tools/generated"
"$bin/openapi-typescript" "$document" --output "$tools/generated/api.d.ts" --alphabetize >/dev/null
ts_status=0
"$bin/tsc" -p "$tools/tsconfig.json" || ts_status=$?

if [ "$redocly_problems" = "0" ] && [ "$spectral_status" = 0 ] && [ "$ts_status" = 0 ]; then
  echo "[check-openapi] PASS"
else
  echo "[check-openapi] FAIL (redocly problems: $redocly_problems, spectral exit: $spectral_status, tsc exit: $ts_status)"
  exit 1
fi
