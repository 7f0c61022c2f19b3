#!/usr/bin/env bash
# What one warm warranty GET costs the co-hosted silo's garbage collector: one private PostgreSQL, one silo (dashboard
# off), a fleet loaded through the bulk API and activated whole, then wrk at one concurrency while dotnet-counters
# samples the silo's GC counters. Prints req/s, p50/p99, bytes allocated per request, gen0 collections a second and
# the share of time paused (medians of the 1-s samples).
#   bench/alloc-probe.sh [--vehicles N] [--connections C] [--duration S] [--silo-env "NAME=VALUE ..."] [--trace FILE]
#     --vehicles N     fleet size (default 20000)
#     --connections C  wrk connections (default 16)
#     --duration S     seconds measured (default 20), after a 10-s warm-up
#     --silo-env       environment assignments for the silo (say DOTNET_GCgen0size=0x1000000)
#     --trace FILE     also record 10 s of the runtime's GC events (allocation ticks: which types, sampled every
#                      ~100 KB) into FILE with dotnet-trace, under the same load
# Needs wrk and the dotnet-counters (and for --trace, dotnet-trace) global tools:
#   dotnet tool install -g dotnet-counters; dotnet tool install -g dotnet-trace
# Everything it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
source scripts/postgres.sh
vehicles=20000; connections=16; duration=20; silo_env=""; trace=""
while [ $# -gt 0 ]; do
  case "$1" in
    --vehicles) vehicles="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --silo-env) silo_env="$2"; shift 2 ;;
    --trace) trace="$(realpath -m "$2")"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
tools="$HOME/.dotnet/tools"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[ -x "$tools/dotnet-counters" ] || { echo "dotnet-counters is not installed (dotnet tool install -g dotnet-counters)" >&2; exit 1; }
[ -z "$trace" ] || [ -x "$tools/dotnet-trace" ] || { echo "dotnet-trace is not installed (dotnet tool install -g dotnet-trace)" >&2; exit 1; }

work="$(mktemp -d /tmp/aftersales-alloc.XXXXXX)"; chmod 711 "$work"
pg_dir="$work/pg"; silo_pid=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  [ -n "$silo_pid" ] && { kill -TERM "$silo_pid" 2>/dev/null || true; wait "$silo_pid" 2>/dev/null || true; }
  pg_stop "$pg_dir" >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "building the silo and the loader (Release)"
for project in src/Silo/Silo.csproj bench/Loader/Loader.csproj; do
  dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
done
loader="$root/bench/Loader/bin/Release/net10.0/AfterSales.Bench.Loader.dll"
silo_dir="$root/src/Silo/bin/Release/net10.0"
pg_port="$(pg_free_port)"; api_port="$(pg_free_port)"; silo_port="$(pg_free_port)"; gateway_port="$(pg_free_port)"
export PG_SETTINGS="-c shared_buffers=1GB -c max_wal_size=8GB -c checkpoint_timeout=30min"
pg_start "$pg_dir" "$pg_port" >"$work/pg.log" 2>&1 || { cat "$work/pg.log"; exit 1; }
export ConnectionStrings__Postgres="$(pg_connection_string "$pg_port")"
key="$(head -c 48 /dev/urandom | base64 | tr -d '\n')"
api="http://127.0.0.1:$api_port"
(cd "$silo_dir" && dotnet AfterSales.Actors.Silo.dll migrate) >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log"; exit 1; }
token="$(cd "$silo_dir" && DOTNET_ENVIRONMENT=Development Auth__SigningKey="$key" dotnet AfterSales.Actors.Silo.dll token --role operator --hours 12)"
# shellcheck disable=SC2086 # the assignments split into words on purpose
(cd "$silo_dir" && exec env $silo_env Cluster__SiloPort="$silo_port" Cluster__GatewayPort="$gateway_port" \
   Cluster__ApplyMigrationsOnStart=false Cluster__DashboardEnabled=false Cluster__ServeApi=true \
   ASPNETCORE_URLS="$api" Auth__SigningKey="$key" Auth__PermitsPerSecond=1000000000 \
   dotnet AfterSales.Actors.Silo.dll) >"$work/silo.log" 2>&1 &
silo_pid=$!
ready=""
for _ in $(seq 1 120); do
  curl -fsS -o /dev/null "$api/health/ready" 2>/dev/null && { ready=1; break; }
  kill -0 "$silo_pid" 2>/dev/null || break
  sleep 1
done
[ -n "$ready" ] || { echo "the silo did not become ready" >&2; tail -30 "$work/silo.log" >&2; exit 1; }

echo "loading $vehicles vehicles, then activating every one"
BENCH_TOKEN="$token" dotnet "$loader" --api "$api" --postgres "$ConnectionStrings__Postgres" --vehicles "$vehicles" --out "$work" | grep '^LOAD'
BENCH_TOKEN="$token" dotnet "$loader" warm --api "$api" --baseline "$api" --vins "$work/vins.txt" --concurrency 64 --compare 0 | grep '^WARM'
load() { wrk -t2 -c"$connections" -d"$1" --timeout 10s --latency -H "Authorization: Bearer $token" -s bench/lua/warranty.lua "$api" -- "$work/vins.txt"; }
load 10s >/dev/null

"$tools/dotnet-counters" collect -p "$silo_pid" --counters System.Runtime --refresh-interval 1 --format csv \
  -o "$work/counters.csv" --duration "00:00:$(printf '%02d' "$duration")" >"$work/counters.log" 2>&1 &
counters_pid=$!
load "${duration}s" >"$work/wrk.txt"
wait "$counters_pid" || { cat "$work/counters.log" >&2; exit 1; }

python3 - "$work/wrk.txt" "$work/counters.csv" "$connections" "$vehicles" "$silo_env" <<'PY'
import csv, re, statistics, sys
wrk = open(sys.argv[1]).read()
def ms(text):
    value = float(re.match(r"[\d.]+", text).group())
    return value / 1000 if text.endswith("us") else value * 1000 if text.endswith("s") and not text.endswith("ms") else value
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", wrk, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", wrk, re.M).group(1))
samples = {}
for row in list(csv.reader(open(sys.argv[2])))[1:]:
    try:
        samples.setdefault(row[2], []).append(float(row[4]))
    except (IndexError, ValueError):
        pass
def median(*fragments):
    series = [v for k, vs in samples.items() if all(f in k for f in fragments) for v in vs]
    return statistics.median(series) if series else float("nan")
allocated = median("gc.heap.total_allocated")
print(f"RESULT vehicles={sys.argv[4]} c={sys.argv[3]} rps={rps:.0f} p50={p50:.2f}ms p99={p99:.2f}ms p99/p50={p99 / p50:.1f} "
      f"allocated={allocated / 1e6:.0f}MB/s per-request={allocated / rps / 1024:.1f}KB "
      f"gen0/s={median('gc.collections', 'generation=gen0]'):.0f} paused={100 * median('gc.pause.time'):.1f}% silo-env='{sys.argv[5]}'")
PY

if [ -n "$trace" ]; then
  "$tools/dotnet-trace" collect -p "$silo_pid" --providers "Microsoft-Windows-DotNETRuntime:0x1:5" --duration 00:00:00:10 -o "$trace" >"$work/trace.log" 2>&1 &
  trace_pid=$!
  load 12s >/dev/null
  wait "$trace_pid" || { cat "$work/trace.log" >&2; exit 1; }
  echo "trace: $trace (GCAllocationTick events: type name and bytes, one per ~100 KB allocated)"
fi
