#!/usr/bin/env bash
# Benchmarks AfterSales.Actors against what a user would build instead (bench/Baseline: ASP.NET Core reading
# PostgreSQL per request), in one run on this machine: its own PostgreSQL, one silo serving the API itself (or
# behind the separate API host) in Release, a generated fleet loaded through the bulk API, then wrk at several concurrencies.
#   bench/run.sh [--deployment cohosted|api-host] [--vehicles N] [--stations N] [--duration S] [--connections "16 64 256"] [--repeat R] [--smoke] [--no-doc | --doc FILE] [--growth-orders N] [--growth-batch N] [--scale-active N]
#     --deployment D     cohosted (default: the silo serves HTTP, as ./run.sh runs it) or api-host (./run.sh --api-host)
#     --vehicles N       fleet size (default 200000; smoke 500)
#     --stations N       service stations for the stations/nearby figure (default 5000; smoke 200)
#     --duration S       seconds per wrk run (default 15; smoke 1)
#     --connections L    wrk connection counts (default "16 64 256"; smoke "16")
#     --repeat R         runs per read/write figure, the median is reported (default 3; smoke 1)
#     --smoke            tiny and quick: proves every step works (the test suite runs it)
#     --no-doc           do not rewrite docs/benchmarks.md (raw results still go to bench/results/)
#     --doc FILE         write the report to FILE instead of docs/benchmarks.md (the million run: docs/benchmarks-1m.md)
#     --growth-orders N  settled work orders for the station-document figure (default 10000, about 6 min; smoke 100)
#     --growth-batch N   vehicles loaded into one production batch for the registration figure (default 50000; smoke 500)
#     --scale-active N   the small active set of the scale figure (default 10000; smoke 100): warranty GETs with N vehicles
#                        active, then with the whole fleet active, in the same run (a million: --vehicles 1000000)
# The million-vehicle run (issue 16): bench/run.sh --vehicles 1000000 --doc docs/benchmarks-1m.md (about an hour with
# the defaults; 22 min with --duration 10 --growth-orders 1000 --growth-batch 5000 on 2 Xeon cores).
# It ends with the state-growth figures (a station's document after 10 and 10,000 settled work orders; odometer
# readings on vehicles with 2 and 200 visits; registrations into a batch of 50,000 and into a new one; smoke: 100,
# 20 and 500).
# Everything it starts is stopped on exit; the PostgreSQL data lives in a temporary folder that is removed.
set -euo pipefail
caller_dir="$PWD"
cd "$(dirname "$0")/.."
root="$PWD"
source scripts/postgres.sh

command_line="bench/run.sh $*"
deployment="cohosted"; vehicles=""; stations=""; duration=""; connections=""; repeat=""; smoke=""; write_doc=1; growth_orders_arg=""; growth_batch_arg=""
doc_file="docs/benchmarks.md"; scale_active_arg=""
while [ $# -gt 0 ]; do
  case "$1" in
    --deployment) deployment="${2:-}"; shift 2 ;;
    --vehicles) vehicles="${2:-}"; shift 2 ;;
    --stations) stations="${2:-}"; shift 2 ;;
    --duration) duration="${2:-}"; shift 2 ;;
    --connections) connections="${2:-}"; shift 2 ;;
    --repeat) repeat="${2:-}"; shift 2 ;;
    --smoke) smoke=1; shift ;;
    --no-doc) write_doc=""; shift ;;
    --doc) doc_file="${2:-}"; [ -n "$doc_file" ] || { echo "--doc needs a file" >&2; exit 2; }; shift 2 ;;
    --scale-active) scale_active_arg="${2:-}"; shift 2 ;;
    --growth-orders) growth_orders_arg="${2:-}"; shift 2 ;;
    --growth-batch) growth_batch_arg="${2:-}"; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
if [ -n "$smoke" ]; then
  vehicles="${vehicles:-500}"; stations="${stations:-200}"; duration="${duration:-1}"; connections="${connections:-16}"; repeat="${repeat:-1}"; warmup=1
  growth_orders=100; growth_visits=20; growth_seconds=1; growth_batch=500; scale_active=100
else
  vehicles="${vehicles:-200000}"; stations="${stations:-5000}"; duration="${duration:-15}"; connections="${connections:-16 64 256}"; repeat="${repeat:-3}"; warmup=3
  growth_orders=10000; growth_visits=200; growth_seconds=5; growth_batch=50000; scale_active=10000
fi
scale_active="${scale_active_arg:-$scale_active}"
case "$doc_file" in /*) ;; *) doc_file="$caller_dir/$doc_file" ;; esac
[[ "$scale_active" =~ ^[1-9][0-9]*$ ]] || { echo "--scale-active must be a positive number (was '$scale_active')" >&2; exit 2; }
growth_orders="${growth_orders_arg:-$growth_orders}"
growth_batch="${growth_batch_arg:-$growth_batch}"
[[ "$growth_batch" =~ ^[1-9][0-9]*$ ]] && [ "$growth_batch" -le 900000 ] || { echo "--growth-batch must be a number from 1 to 900000 (was '$growth_batch')" >&2; exit 2; }
[[ "$growth_orders" =~ ^[1-9][0-9]+$ ]] && [ "$growth_orders" -gt 10 ] || { echo "--growth-orders must be a number above 10 (was '$growth_orders')" >&2; exit 2; }
[ "$deployment" = cohosted ] || [ "$deployment" = api-host ] || { echo "--deployment must be cohosted or api-host (was '$deployment')" >&2; exit 2; }
[[ "$vehicles" =~ ^[1-9][0-9]*$ ]] || { echo "--vehicles must be a positive number (was '$vehicles')" >&2; exit 2; }
[[ "$stations" =~ ^[1-9][0-9]*$ ]] || { echo "--stations must be a positive number (was '$stations')" >&2; exit 2; }
[[ "$duration" =~ ^[1-9][0-9]*$ ]] || { echo "--duration must be a positive number of seconds (was '$duration')" >&2; exit 2; }
[[ "$repeat" =~ ^[1-9]$ ]] || { echo "--repeat must be 1-9 (was '$repeat')" >&2; exit 2; }
for c in $connections; do [[ "$c" =~ ^[1-9][0-9]*$ ]] || { echo "--connections must be numbers (was '$connections')" >&2; exit 2; }; done

step() { printf '\n== %s [%s]\n' "$*" "$(date +%H:%M:%S)"; }
started_at=$(date +%s)

step "checking tools"
if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk (apt-get)"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi
command -v wrk >/dev/null || { echo "wrk is not installed and could not be installed" >&2; exit 1; }
wrk --version 2>&1 | head -1 || true

work="$(mktemp -d /tmp/aftersales-bench.XXXXXX)"
chmod 711 "$work"   # the 'postgres' user must reach its data folder inside
logs="$work/logs"; mkdir -p "$logs"
results="$root/bench/results/$(date +%Y%m%d-%H%M%S)${smoke:+-smoke}"
mkdir -p "$results"
pids=(); silo_pid=""; pg_dir="$work/pg"

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in $silo_pid "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $silo_pid "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pg_stop "$pg_dir" || true
  cp -r "$logs" "$results/" 2>/dev/null || true
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "bench: $*" >&2
  for log in "$logs"/*.log; do echo "--- $log (last 20 lines)" >&2; tail -20 "$log" >&2; done
  exit 1
}

step "building (Release)"
for project in src/Silo/Silo.csproj src/ApiHost/ApiHost.csproj bench/Loader/Loader.csproj bench/Baseline/Baseline.csproj; do
  dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly >"$logs/build.log" 2>&1 || fail "build of $project failed"
done
silo_dir="$root/src/Silo/bin/Release/net10.0"
api_dir="$root/src/ApiHost/bin/Release/net10.0"
loader="$root/bench/Loader/bin/Release/net10.0/AfterSales.Bench.Loader.dll"
baseline_dir="$root/bench/Baseline/bin/Release/net10.0"

pg_port="$(pg_free_port)"; api_port="$(pg_free_port)"; baseline_port="$(pg_free_port)"
silo_port="$(pg_free_port)"; gateway_port="$(pg_free_port)"
# Sized as a database server would be rather than initdb's defaults (128 MB of buffers, a checkpoint every 1 GB
# of WAL): with 200,000 vehicle rows the defaults evict pages and write full-page images on most updates. The
# same server serves the system and the baseline.
export PG_SETTINGS="-c shared_buffers=1GB -c max_wal_size=8GB -c checkpoint_timeout=30min"
step "starting a private PostgreSQL on 127.0.0.1:$pg_port (fsync on: writes are durable; $PG_SETTINGS)"
pg_start "$pg_dir" "$pg_port" >"$logs/postgres-start.log" 2>&1 || fail "PostgreSQL did not start"
export ConnectionStrings__Postgres="$(pg_connection_string "$pg_port")"
(cd "$silo_dir" && dotnet AfterSales.Actors.Silo.dll migrate) >"$logs/migrate.log" 2>&1 || fail "migrations failed"

# The system is measured with its authentication on (every request carries an operator JWT and passes the
# per-caller rate limiter, set high enough never to refuse); the baseline has neither, so the ratios are conservative.
bench_key="$(head -c 48 /dev/urandom | base64 | tr -d '\n')"
api_settings=(ASPNETCORE_URLS="http://127.0.0.1:$api_port" Diagnostics__MemoryEndpoint=true Auth__SigningKey="$bench_key" Auth__PermitsPerSecond=1000000000)
if [ "$deployment" = cohosted ]; then silo_api=(Cluster__ServeApi=true "${api_settings[@]}"); else silo_api=(Cluster__ServeApi=false); fi
start_silo() {
  (cd "$silo_dir" && exec env Cluster__SiloPort="$silo_port" Cluster__GatewayPort="$gateway_port" \
     Cluster__ApplyMigrationsOnStart=false Cluster__DashboardEnabled=false "${silo_api[@]}" \
     dotnet AfterSales.Actors.Silo.dll) >>"$logs/silo.log" 2>&1 &
  silo_pid=$!
}

stop_silo() {
  kill -TERM "$silo_pid" 2>/dev/null || true
  wait "$silo_pid" 2>/dev/null || true
  silo_pid=""
}

# Bounded readiness wait: URL, seconds.
wait_ready() {
  local url="$1" limit="$2"
  for _ in $(seq 1 "$limit"); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    for pid in $silo_pid "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || fail "a process exited early (waiting for $url)"; done
    sleep 1
  done
  fail "$url not ready after $limit s"
}

api_pid=""
if [ "$deployment" = cohosted ]; then
  step "starting one silo serving the API itself (co-hosted; dashboard off) and the baseline"
  start_silo
else
  step "starting one silo (dashboard off), the separate API host and the baseline"
  start_silo
  (cd "$api_dir" && exec env "${api_settings[@]}" dotnet AfterSales.Actors.ApiHost.dll) >"$logs/api.log" 2>&1 &
  pids+=($!); api_pid=$!
fi
(cd "$baseline_dir" && exec env ASPNETCORE_URLS="http://127.0.0.1:$baseline_port" \
   dotnet AfterSales.Bench.Baseline.dll) >"$logs/baseline.log" 2>&1 &
pids+=($!); baseline_pid=$!
api="http://127.0.0.1:$api_port"; baseline="http://127.0.0.1:$baseline_port"
wait_ready "$api/health/ready" 120
wait_ready "$baseline/health" 60
echo "system $api, baseline $baseline"
BENCH_TOKEN="$(cd "$silo_dir" && DOTNET_ENVIRONMENT=Development Auth__SigningKey="$bench_key" dotnet AfterSales.Actors.Silo.dll token --role operator --hours 12)"
export BENCH_TOKEN
auth=(-H "Authorization: Bearer $BENCH_TOKEN")
# A reader's token for the vehicle diagnostic: an operator's read of an owner is a full read of personal data,
# recorded in personal_data_reads (a database write per request), which a reader's masked read is not.
reader_auth=(-H "Authorization: Bearer $(cd "$silo_dir" && DOTNET_ENVIRONMENT=Development Auth__SigningKey="$bench_key" dotnet AfterSales.Actors.Silo.dll token --role reader --hours 12)")

# --- wrk runs -------------------------------------------------------------------------------------------
clk_tck="$(getconf CLK_TCK)"
pg_pids() { local main; main="$(head -1 "$pg_dir/postmaster.pid")"; echo "$main" $(ps -o pid= --ppid "$main"); }
# One snapshot, read by a single awk so that every counter is taken at (nearly) the same instant:
# "uptime_seconds busy_jiffies_all_cpus silo api baseline pid:jiffies..." (utime + stime; PostgreSQL per backend,
# because backends come and go with the connection pools: only those alive in both snapshots are compared).
# PostgreSQL's backends are listed beforehand (pg_list), outside the measured window.
pg_list=""
cpu_sample() {
  local entry pid stat lines=""
  for entry in $silo_pid:silo $api_pid:api $baseline_pid:baseline $(for p in $pg_list; do echo "$p:pg"; done); do
    pid="${entry%%:*}"; [ -n "$pid" ] || continue
    # A PostgreSQL backend may exit at any moment (its pool closed the connection): read each file once, in this
    # shell, and skip one that is gone. Handing a vanished file to awk would abort it (mawk exits 2 without output).
    { read -r stat <"/proc/$pid/stat"; } 2>/dev/null || continue
    # "tag pid" then the fields after the process name (which may hold spaces): field N of stat stays field N.
    lines+="${entry#*:} $pid ${stat##*) }"$'\n'
  done
  printf '%s' "$lines" | awk '
    FILENAME == "/proc/uptime" { up = $1; next }
    FILENAME == "/proc/stat" { if ($1 == "cpu") busy = $2 + $3 + $4 + $7 + $8 + $9; next }
    { if ($1 == "pg") pg = pg " " $2 ":" ($14 + $15); else used[$1] += $14 + $15 }
    END { printf "%s %d %d %d %d%s\n", up, busy, used["silo"], used["api"], used["baseline"], pg }
  ' /proc/uptime /proc/stat -
}
# CPU seconds used by this shell's finished children (wrk, measured around its run). `times` must run in this
# shell, not in a $(...) subshell, which has no finished children of its own.
child_cpu() { times >"$work/times"; awk 'NR == 2 { split($1, u, "m"); split($2, s, "m"); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$work/times"; }

printf 'name\tconnections\trun\trps\tp50_ms\tp99_ms\tnon2xx\tsocket_errors\tcpu_total\tcpu_silo\tcpu_api\tcpu_baseline\tcpu_postgres\tcpu_wrk\twrapped\n' >"$results/runs.tsv"

# measure NAME C RUN URL [SCRIPT ARGS...]: one wrk run, recorded in runs.tsv; prints its RESULT line.
measure() {
  local name="$1" c="$2" run="$3" url="$4"; shift 4
  local out="$results/$name-c$c-r$run.txt" script=()
  [ $# -gt 0 ] && script=(-s "$root/bench/lua/$1" "$url" -- "${@:2}") || script=("$url")
  local before after wrk0 wrk1
  pg_list="$(pg_pids)"
  child_cpu >"$work/wrk0"; before="$(cpu_sample)"
  wrk -t2 -c"$c" -d"${duration}s" --timeout 10s --latency "${auth[@]}" "${script[@]}" >"$out" 2>&1 || fail "wrk failed for $name (see $out)"
  after="$(cpu_sample)"; child_cpu >"$work/wrk1"
  wrk0="$(cat "$work/wrk0")"; wrk1="$(cat "$work/wrk1")"
  awk -v name="$name" -v c="$c" -v run="$run" -v tck="$clk_tck" -v before="$before" -v after="$after" \
      -v wrk="$wrk0 $wrk1" -v line="$out.result" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/ { gsub(",", ""); errors = $4 + $6 + $8 + $10 }
    /^COLD_WRAPPED/ { wrapped = 1 }
    END {
      nb = split(before, b, " "); na = split(after, a, " "); secs = a[1] - b[1]
      for (i = 1; i <= 4; i++) cpu[i] = (a[i + 1] - b[i + 1]) * 100 / tck / secs
      for (i = 6; i <= nb; i++) { split(b[i], kv, ":"); pg0[kv[1]] = kv[2] }
      for (i = 6; i <= na; i++) { split(a[i], kv, ":"); if (kv[1] in pg0) pgd += kv[2] - pg0[kv[1]] }
      cpu[5] = pgd * 100 / tck / secs
      split(wrk, w, " "); cpu[6] = (w[2] - w[1]) * 100 / secs
      printf "%s\t%d\t%d\t%.0f\t%.3f\t%.3f\t%d\t%d\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%d\n", name, c, run, rps, p50, p99, non2xx, errors, cpu[1], cpu[2], cpu[3], cpu[4], cpu[5], cpu[6], wrapped
      printf "RESULT %s c=%d run=%d rps=%.0f p50=%.2fms p99=%.2fms non2xx=%d errors=%d cpu%%(of one core): total=%.0f silo=%.0f api=%.0f baseline=%.0f postgres=%.0f wrk=%.0f%s\n", name, c, run, rps, p50, p99, non2xx, errors, cpu[1], cpu[2], cpu[3], cpu[4], cpu[5], cpu[6], wrapped ? " WRAPPED(some reads were warm)" : "" > line
    }' "$out" >>"$results/runs.tsv"
  tee -a "$results/summary.txt" <"$out.result"
}

warm_up() { wrk -t2 -c64 -d"${warmup}s" "${auth[@]}" "$@" >/dev/null 2>&1 || true; }

# PostgreSQL's CPU jiffies so far, backends that came and went included: the live backends' own time plus what the
# postmaster collected from those that exited (a pool opens and closes connections during a long step).
pg_jiffies() {
  local main pid stat total=0
  main="$(head -1 "$pg_dir/postmaster.pid")"
  { read -r stat <"/proc/$main/stat"; } 2>/dev/null && total=$(awk '{ print $12 + $13 + $14 + $15 }' <<<"${stat##*) }")
  for pid in $(ps -o pid= --ppid "$main"); do
    { read -r stat <"/proc/$pid/stat"; } 2>/dev/null || continue
    total=$((total + $(awk '{ print $12 + $13 }' <<<"${stat##*) }")))
  done
  echo "$total"
}
# (In /proc/PID/stat after the process name, utime and stime are fields 12 and 13, cutime and cstime 14 and 15.)
proc_jiffies() { local stat; { read -r stat <"/proc/$1/stat"; } 2>/dev/null && awk '{ print $12 + $13 }' <<<"${stat##*) }" || echo 0; }
# "uptime silo_jiffies pg_jiffies children_cpu_seconds": the whole-step CPU split of a long step (the bulk load).
# Call it redirected (step_sample >FILE), never inside $(...): child_cpu must run in this shell to see its children.
step_sample() { local children; child_cpu >"$work/children"; children="$(cat "$work/children")"; echo "$(cut -d' ' -f1 /proc/uptime) $(proc_jiffies "$silo_pid") $(pg_jiffies) $children"; }
# step_split NAME BEFORE AFTER: prints "RESULT NAME-cpu seconds= silo= postgres= loader=" (% of one core).
step_split() {
  awk -v name="$1" -v before="$2" -v after="$3" -v tck="$clk_tck" 'BEGIN {
    split(before, b, " "); split(after, a, " "); secs = a[1] - b[1]
    printf "RESULT %s-cpu seconds=%.0f silo=%.0f postgres=%.0f loader=%.0f\n", name, secs,
      (a[2] - b[2]) * 100 / tck / secs, (a[3] - b[3]) * 100 / tck / secs, (a[4] - b[4]) * 100 / secs }'
}

step "loading $vehicles vehicles (bulk API + baseline tables by COPY)"
step_sample >"$work/load-before"
dotnet "$loader" --api "$api" --postgres "$ConnectionStrings__Postgres" --vehicles "$vehicles" --out "$work" \
  | tee "$results/load.txt" || fail "loading failed"
step_sample >"$work/load-after"
step_split load "$(cat "$work/load-before")" "$(cat "$work/load-after")" | tee -a "$results/load.txt"
vins="$work/vins.txt"
cp "$vins" "$results/vins.txt"

step "registering $stations service stations (PUT /api/stations/{code})"
dotnet "$loader" stations --api "$api" --stations "$stations" --out "$work" | tee "$results/stations.txt" || fail "registering stations failed"
points="$work/points.txt"

# Measured on grains activated the way they normally are — from storage — not on the bulk import's activations.
step "restarting the silo: every vehicle is read from storage on first touch from here on"
stop_silo; start_silo
wait_ready "$api/health/ready" 120
# Ready means a grain answered; a separate API host may still be learning which grain types the restarted silo hosts
# (its type map refreshes every 5 s) and answer 503, which says to retry.
memory_deadline=$((SECONDS + 30))
until curl -fsS "${auth[@]}" "$api/api/system/memory" >"$results/memory-before.json"; do
  [ $SECONDS -lt $memory_deadline ] || fail "GET /api/system/memory failed"
  sleep 1
done

# The scale figure: the same warranty GETs with a small set of vehicles active, then (below) with the whole fleet.
scale_c=64; [[ " $connections " == *" 64 "* ]] || scale_c="${connections%% *}"
vin_count="$(wc -l <"$vins")"
if [ "$vin_count" -gt "$scale_active" ]; then
  step "scale, small set: $scale_active vehicles activated, warranty GETs over them at $scale_c connections (${repeat} x ${duration} s)"
  head -n "$scale_active" "$vins" >"$work/vins-small.txt"
  dotnet "$loader" warm --api "$api" --baseline "$baseline" --vins "$work/vins-small.txt" --concurrency 64 --compare 0 >"$results/warm-small.txt" \
    || fail "warm-up of the small set failed"
  # Five warm-ups long: the silo was just restarted, and its JIT recompiles hot methods for a while (the fleet-wide
  # runs below come minutes later, on a settled JIT).
  wrk -t2 -c64 -d"$((warmup * 5))s" "${auth[@]}" -s "$root/bench/lua/warranty.lua" "$api" -- "$work/vins-small.txt" >/dev/null 2>&1 || true
  for run in $(seq 1 "$repeat"); do
    measure warranty-small "$scale_c" "$run" "$api" warranty.lua "$work/vins-small.txt"
  done
fi

step "warm-up pass: one warranty request per vehicle (activates it: the cold-read rate), and the same-answer check against the baseline"
dotnet "$loader" warm --api "$api" --baseline "$baseline" --vins "$vins" --concurrency 64 --compare "$([ -n "$smoke" ] && echo 50 || echo 500)" \
  | tee "$results/warm.txt" || fail "warm-up pass or same-answer check failed"

step "memory per active vehicle grain (full GC in the silo) and the silo's resident set"
curl -fsS "${auth[@]}" "$api/api/system/memory" >"$results/memory-after.json" || fail "GET /api/system/memory failed"
rss_kb="$(awk '/^VmRSS/ { print $2 }' "/proc/$silo_pid/status")"
python3 - "$results/memory-before.json" "$results/memory-after.json" "$rss_kb" <<'PY' | tee "$results/memory.txt"
import json, sys
before, after = (json.load(open(p)) for p in sys.argv[1:3])
def vehicles(report):
    return sum(n for t, n in report["activationsByType"].items() if "vehicle" in t.lower())
grains = vehicles(after) - vehicles(before)
growth = after["heapBytes"] - before["heapBytes"]
print(f"RESULT memory grains={grains} heap_before={before['heapBytes']} heap_after={after['heapBytes']} bytes_per_grain={growth / max(grains, 1):.0f} rss_bytes={int(sys.argv[3]) * 1024}")
PY

if [ "$vin_count" -gt "$scale_active" ]; then
  step "scale, whole fleet: warranty GETs over all $vin_count active vehicles at $scale_c connections (${repeat} x ${duration} s)"
  warm_up -s "$root/bench/lua/warranty.lua" "$api" -- "$vins"
  for run in $(seq 1 "$repeat"); do
    measure warranty-all "$scale_c" "$run" "$api" warranty.lua "$vins"
  done
fi


step "reads: constant JSON (ceiling), warranty through the system, warranty from the baseline (${repeat} x ${duration} s per figure)"
warm_up -s "$root/bench/lua/constant.lua" "$api" -- "$vins"
warm_up -s "$root/bench/lua/warranty.lua" "$api" -- "$vins"
warm_up -s "$root/bench/lua/warranty.lua" "$baseline" -- "$vins"
for run in $(seq 1 "$repeat"); do
  for c in $connections; do
    measure constant "$c" "$run" "$api" constant.lua "$vins"
    measure warranty "$c" "$run" "$api" warranty.lua "$vins"
    measure baseline-warranty "$c" "$run" "$baseline" warranty.lua "$vins"
  done
done

step "diagnostic: GET /api/vehicles/{vin} (the same grain call path without the warranty rules), 1 x ${duration} s"
operator_auth=("${auth[@]}"); auth=("${reader_auth[@]}")
warm_up -s "$root/bench/lua/vehicle.lua" "$api" -- "$vins"
for c in $connections; do
  measure vehicle "$c" 1 "$api" vehicle.lua "$vins"
done
auth=("${operator_auth[@]}")

step "stations/nearby over $stations stations (${repeat} x ${duration} s per figure)"
warm_up -s "$root/bench/lua/nearby.lua" "$api" -- "$points"
for run in $(seq 1 "$repeat"); do
  for c in $connections; do
    measure nearby "$c" "$run" "$api" nearby.lua "$points"
  done
done

step "durable writes: odometer readings through the system vs raw Npgsql upserts (${repeat} x ${duration} s per figure)"
# Each run starts every VIN a little above where the last run could have left it (a run sends each VIN a few
# readings at most), so readings grow plausibly: the system refuses more than 2,000 km a day ahead.
odometers="$(dirname "$vins")/odometers.txt"
km_offset=100
warm_up -s "$root/bench/lua/odometer.lua" "$api" -- "$odometers" 2 "$km_offset"
warm_up -s "$root/bench/lua/odometer.lua" "$baseline" -- "$odometers" 2 "$km_offset"
for run in $(seq 1 "$repeat"); do
  for c in $connections; do
    km_offset=$((km_offset + 100))
    measure odometer-system "$c" "$run" "$api" odometer.lua "$odometers" 2 "$km_offset"
    measure odometer-raw "$c" "$run" "$baseline" odometer.lua "$odometers" 2 "$km_offset"
  done
done

step "cold reads: silo restarted before each concurrency, every request a vehicle not yet activated"
measured_last=$((vin_count * 9 / 10))
for c in $connections; do
  stop_silo; start_silo
  wait_ready "$api/health/ready" 120
  # JIT warm-up on the last tenth of the list, then measure on the first nine tenths (never touched since the restart).
  warm_up -s "$root/bench/lua/cold.lua" "$api" -- "$vins" 2 $((measured_last + 1)) "$vin_count"
  measure cold-warranty "$c" 1 "$api" cold.lua "$vins" 2 1 "$measured_last"
done

step "state growth: a station's document after 10 and after $growth_orders settled work orders; odometer readings on vehicles with 2 and with $growth_visits visits; registrations into a batch of $growth_batch and a new one"
dotnet "$loader" growth --api "$api" --postgres "$ConnectionStrings__Postgres" --orders "$growth_orders" --visits "$growth_visits" \
  --batch-vehicles "$growth_batch" --seconds "$growth_seconds" --rounds "$repeat" | tee "$results/growth.txt" || fail "state growth step failed"

step "stopping"
elapsed=$(( $(date +%s) - started_at ))
git_commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench 2>/dev/null || echo '+uncommitted')"
python3 "$root/bench/report.py" --results "$results" --command "$command_line" --commit "$git_commit" --elapsed "$elapsed" \
  --deployment "$deployment" --vehicles "$vehicles" --stations "$stations" --duration "$duration" --repeat "$repeat" --connections "$connections" \
  --scale-active "$scale_active" ${write_doc:+--doc "$doc_file"} | tee "$results/report.txt"
echo "raw results: $results"
echo "BENCH DONE in ${elapsed} s"
