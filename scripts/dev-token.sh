#!/usr/bin/env bash
# Prints a development bearer token signed with the key ./run.sh uses (Auth__SigningKey, else .data/signing-key).
#   scripts/dev-token.sh ROLE [STATION_CODE] [HOURS]     (TOKEN_NAME=NAME: the caller's name, the token's subject)
#   ROLE: callCentre | station | warranty | parts | operator | reader   (station needs STATION_CODE)
# Example: curl -H "Authorization: Bearer $(scripts/dev-token.sh reader)" localhost:8080/api/vehicles/VIN
set -euo pipefail
cd "$(dirname "$0")/.."
role="${1:-}"
[ -n "$role" ] || { sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
station="${2:-}"
hours="${3:-8}"   # at most Auth__MaxTokenLifetime (12 h by default)
if [ -z "${Auth__SigningKey:-}" ]; then
  key_file="${AFTERSALES_DATA_DIR:-$PWD/.data}/signing-key"
  [ -f "$key_file" ] || { echo "no signing key: start ./run.sh once (it creates $key_file) or set Auth__SigningKey" >&2; exit 2; }
  Auth__SigningKey="$(cat "$key_file")"
  export Auth__SigningKey
fi
silo_dll="src/Silo/bin/Release/net10.0/AfterSales.Actors.Silo.dll"
[ -f "$silo_dll" ] || dotnet build src/Silo/Silo.csproj -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary" >&2
args=(token --role "$role" --hours "$hours")
[ -n "$station" ] && args+=(--station "$station")
[ -n "${TOKEN_NAME:-}" ] && args+=(--name "$TOKEN_NAME")
DOTNET_ENVIRONMENT=Development exec dotnet "$silo_dll" "${args[@]}"
