#!/usr/bin/env bash
# A focused A/B of the warranty GET between two builds on this machine (bench/run.sh takes 30 min for everything):
# one private PostgreSQL and one fleet, then the two builds' silos (co-hosted API, dashboard off) take turns serving
# the same wrk load, alternating A, B, A, B, ...; prints each run and each side's median req/s and B/A.
#   bench/warranty-ab.sh A_ROOT B_ROOT [--vehicles N] [--duration S] [--connections C] [--rounds R] [--warm-all]
#                        [--a-env "NAME=VALUE ..."] [--b-env "NAME=VALUE ..."]
#     A_ROOT, B_ROOT   source trees whose src/Silo is already built in Release (e.g. a `git worktree` of the base);
#                      the same tree twice with different --a-env/--b-env compares runtime settings (GC, say)
#     --vehicles N     fleet size, loaded once through A's API (default 20000)
#     --duration S     seconds per measured wrk run, after a 5 s warm-up of the same silo (default 15)
#     --connections C  wrk connections (default 64)
#     --rounds R       A/B pairs; the median of R runs per side is reported (default 3)
#     --warm-all       activate the whole fleet (one warranty GET per vehicle) after each silo start, before the
#                      warm-up: the reads then run with every vehicle grain in memory, as at the scale figure
#     --a-env, --b-env environment assignments for that side's silo only
# The fleet's rows are written by A and read by both (the warranty GET writes nothing). Everything it starts is
# stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
source scripts/postgres.sh
a_root="$(cd "${1:?A_ROOT}" && pwd)"; b_root="$(cd "${2:?B_ROOT}" && pwd)"; shift 2
vehicles=20000; duration=15; connections=64; rounds=3; warm_all=""; a_env=""; b_env=""
while [ $# -gt 0 ]; do
  case "$1" in
    --vehicles) vehicles="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --warm-all) warm_all=1; shift ;;
    --a-env) a_env="$2"; shift 2 ;;
    --b-env) b_env="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

work="$(mktemp -d /tmp/aftersales-ab.XXXXXX)"; chmod 711 "$work"
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

dotnet build bench/Loader/Loader.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
loader="$root/bench/Loader/bin/Release/net10.0/AfterSales.Bench.Loader.dll"
pg_port="$(pg_free_port)"; api_port="$(pg_free_port)"; silo_port="$(pg_free_port)"; gateway_port="$(pg_free_port)"
export PG_SETTINGS="-c shared_buffers=1GB -c max_wal_size=8GB -c checkpoint_timeout=30min"
pg_start "$pg_dir" "$pg_port" >"$work/pg.log" 2>&1 || { cat "$work/pg.log"; exit 1; }
export ConnectionStrings__Postgres="$(pg_connection_string "$pg_port")"
key="$(head -c 48 /dev/urandom | base64 | tr -d '\n')"
api="http://127.0.0.1:$api_port"

start_silo() { # ROOT [NAME=VALUE ...]
  local dir="$1/src/Silo/bin/Release/net10.0"; shift
  # shellcheck disable=SC2068 # the side's assignments are words on purpose
  (cd "$dir" && exec env "$@" Cluster__SiloPort="$silo_port" Cluster__GatewayPort="$gateway_port" \
     Cluster__ApplyMigrationsOnStart=false Cluster__DashboardEnabled=false Cluster__ServeApi=true \
     ASPNETCORE_URLS="$api" Auth__SigningKey="$key" Auth__PermitsPerSecond=1000000000 \
     dotnet AfterSales.Actors.Silo.dll) >>"$work/silo.log" 2>&1 &
  silo_pid=$!
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$api/health/ready" 2>/dev/null && return 0
    kill -0 "$silo_pid" 2>/dev/null || { tail -30 "$work/silo.log"; exit 1; }
    sleep 1
  done
  echo "silo not ready" >&2; exit 1
}
stop_silo() { kill -TERM "$silo_pid" 2>/dev/null || true; wait "$silo_pid" 2>/dev/null || true; silo_pid=""; }

(cd "$a_root/src/Silo/bin/Release/net10.0" && dotnet AfterSales.Actors.Silo.dll migrate) >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log"; exit 1; }
token="$(cd "$a_root/src/Silo/bin/Release/net10.0" && DOTNET_ENVIRONMENT=Development Auth__SigningKey="$key" dotnet AfterSales.Actors.Silo.dll token --role operator --hours 12)"
start_silo "$a_root"
echo "loading $vehicles vehicles through A's API"
BENCH_TOKEN="$token" dotnet "$loader" --api "$api" --postgres "$ConnectionStrings__Postgres" --vehicles "$vehicles" --out "$work" | tail -2
stop_silo

run() { # SIDE ROOT ROUND ENV
  # shellcheck disable=SC2086 # the side's assignments split into words
  start_silo "$2" $4
  if [ -n "$warm_all" ]; then
    BENCH_TOKEN="$token" dotnet "$loader" warm --api "$api" --baseline "$api" --vins "$work/vins.txt" --concurrency 64 --compare 0 | grep -v '^CHECK' | tail -1
  fi
  wrk -t2 -c"$connections" -d5s -H "Authorization: Bearer $token" -s bench/lua/warranty.lua "$api" -- "$work/vins.txt" >/dev/null 2>&1
  local rps p50 p99
  read -r rps p50 p99 < <(wrk -t2 -c"$connections" -d"${duration}s" --timeout 10s --latency -H "Authorization: Bearer $token" -s bench/lua/warranty.lua "$api" -- "$work/vins.txt" \
    | awk 'function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
           /Non-2xx/ { bad = $NF } /^Requests\/sec:/ { rps = $2 } $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
           END { if (bad) { print "non-2xx: " bad > "/dev/stderr"; exit 1 } print rps, p50, p99 }')
  stop_silo
  echo "$1 round $3: $rps req/s, p50 $p50 ms, p99 $p99 ms (p99/p50 $(awk -v a="$p50" -v b="$p99" 'BEGIN { printf "%.1f", b / a }'))"
  echo "$rps" >>"$work/$1.txt"
}
for round in $(seq 1 "$rounds"); do
  run A "$a_root" "$round" "$a_env"
  run B "$b_root" "$round" "$b_env"
done
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
a="$(median "$work/A.txt")"; b="$(median "$work/B.txt")"
echo "median A $a req/s, B $b req/s, B/A $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }') ($rounds runs each, $connections connections, ${duration} s, $vehicles vehicles)"
