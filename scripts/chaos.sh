#!/usr/bin/env bash
# Chaos run: three silo processes and the API host on loopback over the PostgreSQL membership, a write load
# (visits, depot stock receipts, and work orders opened, started, completed and settled at stations) with
# Idempotency-Keys and client retries, one silo killed with SIGKILL and restarted every ~20 s. Afterwards (once the
# outboxes have drained, at most 60 s) every acknowledged write must be stored exactly once — a completed work order's
# visit once in its vehicle's archive and once in its station's grade roll-up, a settled one stored settled and
# archived — and no gap without acknowledgements may exceed 3 s.
#   scripts/chaos.sh            short form (45 s, a kill every 15 s) — run by ./test.sh
#   scripts/chaos.sh --long     long form (5 min, a kill every 20 s); writes docs/reliability.md's table to stdout
#   extra arguments go to the runner: --duration S --kill-every S --workers N --vehicles N --depot-workers N --depots N
#   --work-order-workers N --stations N --work-order-vehicles N --settle-wait S --drain-limit S --max-gap S --report FILE
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/postgres.sh

args=(--duration 45 --kill-every 15)
if [ "${1:-}" = "--long" ]; then args=(--duration 300 --kill-every 20); shift; fi

echo "== building (Release)"
for project in src/Silo/Silo.csproj src/ApiHost/ApiHost.csproj tools/Chaos/Chaos.csproj; do
  out="$(dotnet build "$project" -c Release -nologo -v quiet 2>&1)" || { echo "$out" >&2; exit 1; }
done

data_dir="$(mktemp -d /tmp/aftersales-chaos-pg.XXXXXX)"
trap 'pg_stop "$data_dir"; rm -rf "$data_dir"' EXIT
port="$(pg_free_port)"
echo "== starting a throwaway PostgreSQL on 127.0.0.1:$port"
pg_start "$data_dir" "$port"

dotnet tools/Chaos/bin/Release/net10.0/AfterSales.Actors.Chaos.dll \
  --connection "$(pg_connection_string "$port")" \
  --silo-dll "$PWD/src/Silo/bin/Release/net10.0/AfterSales.Actors.Silo.dll" \
  --api-dll "$PWD/src/ApiHost/bin/Release/net10.0/AfterSales.Actors.ApiHost.dll" \
  "${args[@]}" "$@"
