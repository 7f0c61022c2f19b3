#!/usr/bin/env bash
# Builds and runs AfterSales.Actors: PostgreSQL (a private one unless ConnectionStrings__Postgres is set),
# migrations and N silos, each serving the HTTP API itself (co-hosted: grain calls stay in the process) on ports
# P, P+1, …; with --api-host the silos serve no HTTP and one separate API host (an Orleans client) serves port P.
# Ctrl-C stops everything it started; the data stays for the next run.
#   ./run.sh [--silos N] [--api-host] [--http-port P] [--demo [small|full]]
#   --demo loads the demo network once the system is ready (tools/Demo, each call as its role with tokens signed with
#   Auth__SigningKey; idempotent, so a second run adds nothing):
#   small = 1,000 stations, 20,000 vehicles (~3 min); full = 3,000 stations, 200,000 vehicles (~25 min on 2 cores)
set -euo pipefail
cd "$(dirname "$0")"
root="$PWD"
source scripts/postgres.sh

silos=1
http_port="${AFTERSALES_HTTP_PORT:-8080}"
demo=""
api_host=""
while [ $# -gt 0 ]; do
  case "$1" in
    --silos) silos="${2:-}"; shift 2 ;;
    --http-port) http_port="${2:-}"; shift 2 ;;
    --api-host) api_host=1; shift ;;
    --demo) demo="small"; shift; if [ "${1:-}" = "small" ] || [ "${1:-}" = "full" ]; then demo="$1"; shift; fi ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
[[ "$silos" =~ ^[1-9][0-9]?$ ]] || { echo "--silos must be a number from 1 to 99 (was '$silos')" >&2; exit 2; }
[[ "$http_port" =~ ^[0-9]+$ ]] || { echo "--http-port must be a port number (was '$http_port')" >&2; exit 2; }

data_root="${AFTERSALES_DATA_DIR:-$root/.data}"
log_dir="$data_root/logs"
mkdir -p "$log_dir"
pids=()
started_pg=""

stop_all() {
  # A second Ctrl-C while stopping must not cut the cleanup short and leave PostgreSQL running.
  trap '' INT TERM; trap - EXIT
  echo
  echo "== stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$started_pg" ]; then pg_stop "$data_root/postgres"; echo "   PostgreSQL stopped; data kept in $data_root/postgres"; fi
  exit 0
}
trap stop_all INT TERM EXIT

echo "== building (Release)"
projects=(src/Silo/Silo.csproj)
[ -z "$api_host" ] || projects+=(src/ApiHost/ApiHost.csproj)
[ -z "$demo" ] || projects+=(tools/Demo/Demo.csproj)
for project in "${projects[@]}"; do
  out="$(dotnet build "$project" -c Release -nologo -v quiet 2>&1)" || { echo "$out" >&2; exit 1; }
done
silo_dir="$root/src/Silo/bin/Release/net10.0"
api_dir="$root/src/ApiHost/bin/Release/net10.0"

if [ -z "${ConnectionStrings__Postgres:-}" ]; then
  pg_port="${AFTERSALES_PG_PORT:-55432}"
  echo "== starting the private PostgreSQL (127.0.0.1:$pg_port, data in $data_root/postgres)"
  pg_start "$data_root/postgres" "$pg_port"
  started_pg=1
  export ConnectionStrings__Postgres="$(pg_connection_string "$pg_port")"
else
  echo "== using the PostgreSQL in ConnectionStrings__Postgres"
fi

if [ -z "${Auth__SigningKey:-}" ]; then
  # A development signing key, made once and kept beside the data (never in the repo).
  key_file="$data_root/signing-key"
  [ -f "$key_file" ] || (umask 077 && head -c 48 /dev/urandom | base64 | tr -d '\n' >"$key_file")
  export Auth__SigningKey="$(cat "$key_file")"
fi

echo "== applying migrations"
(cd "$silo_dir" && dotnet AfterSales.Actors.Silo.dll migrate) >"$log_dir/migrate.log" 2>&1 || { cat "$log_dir/migrate.log" >&2; exit 1; }

base_url="http://127.0.0.1:$http_port"
# Development: the docs and the dashboard are open; outside Development they require the operator role.
environment="${ASPNETCORE_ENVIRONMENT:-Development}"
http_urls=()
for ((i = 0; i < silos; i++)); do
  if [ -n "$api_host" ]; then
    echo "== starting silo $((i + 1))/$silos (silo port $((11111 + i)), gateway $((30000 + i)); log $log_dir/silo-$((i + 1)).log)"
    serve=(Cluster__ServeApi=false)
  else
    url="http://127.0.0.1:$((http_port + i))"
    http_urls+=("$url")
    echo "== starting silo $((i + 1))/$silos with the API at $url (silo port $((11111 + i)), gateway $((30000 + i)); log $log_dir/silo-$((i + 1)).log)"
    serve=(Cluster__ServeApi=true ASPNETCORE_URLS="$url" ASPNETCORE_ENVIRONMENT="$environment")
  fi
  (cd "$silo_dir" && exec env Cluster__SiloPort=$((11111 + i)) Cluster__GatewayPort=$((30000 + i)) Cluster__ApplyMigrationsOnStart=false \
     "${serve[@]}" dotnet AfterSales.Actors.Silo.dll) >"$log_dir/silo-$((i + 1)).log" 2>&1 &
  pids+=($!)
done

if [ -n "$api_host" ]; then
  echo "== starting the separate API host ($base_url; log $log_dir/api.log)"
  (cd "$api_dir" && exec env ASPNETCORE_URLS="$base_url" ASPNETCORE_ENVIRONMENT="$environment" dotnet AfterSales.Actors.ApiHost.dll) >"$log_dir/api.log" 2>&1 &
  pids+=($!)
  http_urls=("$base_url")
fi

printf '== waiting for /health/ready on %s ' "${http_urls[*]}"
ready=""
for _ in $(seq 1 180); do
  ready=1
  for url in "${http_urls[@]}"; do curl -fsS -o /dev/null "$url/health/ready" 2>/dev/null || { ready=""; break; }; done
  [ -z "$ready" ] || break
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo; echo "a process exited early; see $log_dir" >&2; tail -20 "$log_dir"/*.log >&2; exit 1; }
  done
  printf '.'
  sleep 1
done
echo
[ -n "$ready" ] || { echo "not ready after 180 s; see $log_dir" >&2; exit 1; }

# Development tokens only in Development (the command refuses elsewhere: tokens then come from the identity provider).
token="$(cd "$silo_dir" && DOTNET_ENVIRONMENT="$environment" dotnet AfterSales.Actors.Silo.dll token --role operator --hours 8 2>/dev/null || true)"
if [ -n "$api_host" ]; then deployment="$silos silo(s) behind a separate API host"
else deployment="$silos silo(s), each serving the API itself (co-hosted)"; fi
cat <<MSG

AfterSales.Actors is running with $deployment.
  API          $base_url/api$([ "${#http_urls[@]}" -gt 1 ] && printf '   (also %s: any silo answers every route)' "${http_urls[*]:1}")
  API docs     $base_url/scalar   (OpenAPI: $base_url/openapi/v1.json)
  Dashboard    $base_url/dashboard/
  Health       $base_url/health/ready   $base_url/health/live
  Logs         $log_dir
  Token        every /api route needs a bearer token; an operator token for 8 h:
               export TOKEN=$token
               other roles: scripts/dev-token.sh ROLE [STATION_CODE]
Press Ctrl-C to stop (data is kept for the next run).
MSG
if [ -n "$demo" ]; then
  if [ "$demo" = "full" ]; then demo_args=(--stations 3000 --vehicles 200000 --work-orders 6000 --complaints 3000)
  else demo_args=(--stations 1000 --vehicles 20000 --work-orders 1500 --complaints 800); fi
  echo "== loading the demo network (${demo}: ${demo_args[*]}); progress below, the dashboard shows it live"
  AFTERSALES_TOKEN="$token" dotnet "$root/tools/Demo/bin/Release/net10.0/AfterSales.Actors.Demo.dll" --api "$base_url" "${demo_args[@]}" \
    || echo "demo: some requests were refused (see above); the system keeps running" >&2
fi
wait -n "${pids[@]}" || true
echo "a process exited; see $log_dir" >&2
