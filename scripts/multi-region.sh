#!/usr/bin/env bash
# A real two-region cluster on one machine (issue 19 item 4; docs/operations.md, "Regions"). Two Linux network
# namespaces whose traffic to each other crosses a third (the WAN) with 30 ms of added delay each way:
#   north  10.77.1.2  PostgreSQL, a silo serving the API (co-hosted) on :8080       provinces 北京, 河北
#   south  10.77.2.2  a silo serving the API on :8080, and a separate API host on :8090 (Cluster__Region=south)
#                                                                                    provinces 广东, 广西
# One cluster with the WAN failure-detection profile. It shows
#   (a) each region's stations and vehicles, registered through the north, end up on their own region's silo;
#   (b) a warranty read through a region's API host stays in the region (p50 far under 30 ms) while one of the other
#       region's vehicles crosses the link (p50 at least the 60 ms round trip);
#   (c) with the south silo killed (SIGKILL) under an odometer write load, the south's grains answer again from the
#       north and no acknowledged write is lost.
# Needs root (namespaces, TUN devices), iproute2 and python3; exits 77 when it cannot create a namespace, so callers can tell
# "could not run here" from "failed". Everything it creates (namespaces, links, processes, data) is removed on exit.
#   scripts/multi-region.sh            build if needed, run, print the figures; last line "multi-region: PASS"
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/postgres.sh

run_id="$$"
ns_north="asr-north-$run_id"; ns_south="asr-south-$run_id"; ns_wan="asr-wan-$run_id"
north_ip=10.77.1.2; south_ip=10.77.2.2; delay_ms=30
work="$(mktemp -d /tmp/aftersales-regions.XXXXXX)"
chmod 755 "$work"
pids=()
keep_logs=1 # until the run passes

log() { printf '[multi-region] %s\n' "$*"; }

cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns exec "$ns_north" true 2>/dev/null && pg_stop "$work/pg"
  for ns in "$ns_north" "$ns_south" "$ns_wan"; do ip netns del "$ns" 2>/dev/null || true; done
  if [ "${keep_logs:-}" = 1 ]; then log "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null || ! command -v python3 >/dev/null || [ ! -c /dev/net/tun ]; then
  log "needs root, ip (iproute2), python3 and /dev/net/tun: not run"; exit 77
fi
if ! ip netns add "$ns_north" 2>/dev/null; then log "cannot create a network namespace here: not run"; exit 77; fi
ip netns add "$ns_south"; ip netns add "$ns_wan"
# Each region's namespace hangs off a router namespace (the WAN) by a veth link.
for side in "north:$ns_north:10.77.1" "south:$ns_south:10.77.2"; do
  IFS=: read -r region ns net <<<"$side"
  ip link add "asr${region:0:1}$run_id" netns "$ns" type veth peer name "asrw${region:0:1}$run_id" netns "$ns_wan"
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$net.2/24" dev "asr${region:0:1}$run_id"
  ip -n "$ns" link set "asr${region:0:1}$run_id" up
  ip -n "$ns" route add default via "$net.1"
  ip -n "$ns_wan" addr add "$net.1/24" dev "asrw${region:0:1}$run_id"
  ip -n "$ns_wan" link set "asrw${region:0:1}$run_id" up
done
# The WAN: whatever enters the router from either region goes through a delay line (two TUN devices and a small
# program between them, scripts/delay_line.py; this kernel has no netem) and is routed on from its far end.
ip -n "$ns_wan" link set lo up
ip netns exec "$ns_wan" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
tun_in="asrti$run_id"; tun_out="asrto$run_id"
ip -n "$ns_wan" tuntap add dev "$tun_in" mode tun
ip -n "$ns_wan" tuntap add dev "$tun_out" mode tun
ip netns exec "$ns_wan" python3 scripts/delay_line.py "$tun_in" "$tun_out" "$delay_ms" >"$work/delay-line.log" 2>&1 &
pids+=($!)
until grep -q "delay line up" "$work/delay-line.log" 2>/dev/null; do
  kill -0 "${pids[-1]}" 2>/dev/null || { cat "$work/delay-line.log"; exit 1; }
  sleep 0.1
done
for dev in "$tun_in" "$tun_out"; do
  ip -n "$ns_wan" link set "$dev" up
  ip netns exec "$ns_wan" sysctl -qw "net.ipv4.conf.$dev.rp_filter=0"
done
ip -n "$ns_wan" addr add 10.77.9.1/32 dev "$tun_out"
ip -n "$ns_wan" route add default dev "$tun_in" table 100
ip -n "$ns_wan" rule add iif "asrwn$run_id" lookup 100
ip -n "$ns_wan" rule add iif "asrws$run_id" lookup 100
in_north() { ip netns exec "$ns_north" "$@"; }
in_south() { ip netns exec "$ns_south" "$@"; }
log "namespaces $ns_north ($north_ip) and $ns_south ($south_ip) through $ns_wan, ${delay_ms} ms each way"

silo_dll="$PWD/src/Silo/bin/Release/net10.0/AfterSales.Actors.Silo.dll"
api_dll="$PWD/src/ApiHost/bin/Release/net10.0/AfterSales.Actors.ApiHost.dll"
if [ ! -f "$silo_dll" ] || [ ! -f "$api_dll" ] || [ "${MULTI_REGION_BUILD:-1}" = 1 ]; then
  log "building (Release)"
  for project in src/Silo/Silo.csproj src/ApiHost/ApiHost.csproj; do
    out="$(dotnet build "$project" -c Release -nologo -v quiet 2>&1)" || { echo "$out" >&2; exit 1; }
  done
fi

port=5432
PG_LISTEN="127.0.0.1,$north_ip" PG_TRUST_NET="10.77.0.0/16" PG_FSYNC=off in_north bash -c "source scripts/postgres.sh; pg_start '$work/pg' $port" \
  || { log "PostgreSQL did not start"; exit 1; }
# A TCP handshake from the south to the north's PostgreSQL takes one round trip of the link.
rtt="$(in_south python3 -c "import socket,time; t=time.perf_counter(); socket.create_connection(('$north_ip', $port), 5).close(); print(f'{(time.perf_counter()-t)*1000:.1f}')")"
log "round trip south -> north measured by a TCP handshake: $rtt ms"
connection="Host=$north_ip;Port=$port;Database=$PG_DATABASE;Username=$PG_USER_NAME;Maximum Pool Size=50"
signing_key="$(head -c 48 /dev/urandom | base64 | tr -d '\n')"
export TOKEN
TOKEN="$(Auth__SigningKey="$signing_key" DOTNET_ENVIRONMENT=Development dotnet "$silo_dll" token --role operator --hours 1)"

common=(ConnectionStrings__Postgres="$connection" Auth__SigningKey="$signing_key" Auth__PermitsPerSecond=1000000
  Regions__north="北京,河北" Regions__south="广东,广西" Cluster__FailureDetection=Wan
  Cluster__ClusterId="regions-$run_id" Cluster__ServiceId="regions-$run_id"
  # A request's budget spans several crossings of the link and database round trips from the far region.
  Cluster__ResponseTimeout=00:00:15
  ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Logging__Console__FormatterName=simple)

start() { # NAME NAMESPACE DLL ENV...
  local name="$1" ns="$2" dll="$3"; shift 3
  ip netns exec "$ns" env "${common[@]}" "$@" dotnet "$dll" >"$work/$name.log" 2>&1 &
  pids+=($!)
  eval "pid_$name=$!"
}

wait_ready() { # NAMESPACE URL NAME
  local deadline=$((SECONDS + 120))
  until ip netns exec "$1" curl -fsS -o /dev/null "$2/health/ready" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then log "$3 not ready after 120 s; its log:"; tail -40 "$work/$3.log"; keep_logs=1; exit 1; fi
    sleep 0.5
  done
}

log "starting the north silo (migrations), then the south silo and the south API host"
start north "$ns_north" "$silo_dll" Cluster__Region=north Cluster__AdvertisedAddress=$north_ip ASPNETCORE_URLS=http://$north_ip:8080
wait_ready "$ns_north" "http://$north_ip:8080" north
start south "$ns_south" "$silo_dll" Cluster__Region=south Cluster__AdvertisedAddress=$south_ip ASPNETCORE_URLS=http://$south_ip:8080 \
  Cluster__ApplyMigrationsOnStart=false
wait_ready "$ns_south" "http://$south_ip:8080" south
# Started once the south silo is up, the API host takes the south's gateway from the start.
start southapi "$ns_south" "$api_dll" Cluster__Region=south ASPNETCORE_URLS=http://$south_ip:8090 Cluster__GatewayListRefreshPeriod=00:00:01
wait_ready "$ns_south" "http://$south_ip:8090" southapi

check() { # NAMESPACE ARGS...
  local ns="$1"; shift
  ip netns exec "$ns" python3 scripts/multi_region_check.py "$@" || { keep_logs=1; log "FAILED: $*"; exit 1; }
}

north_api="http://$north_ip:8080"; south_silo_api="http://$south_ip:8080"; south_api="http://$south_ip:8090"
check "$ns_north" setup "$north_api"
log "(a) placement"
for region in north south; do
  check "$ns_north" placed "$north_api" stations "$region"
  check "$ns_north" placed "$north_api" vehicles "$region"
done

log "(b) warranty reads through each region's API"
check "$ns_south" latency "$south_api" "the south API host" >"$work/latency-south.txt"; cat "$work/latency-south.txt"
check "$ns_north" latency "$north_api" "the north silo's API" >"$work/latency-north.txt"; cat "$work/latency-north.txt"
p50() { sed -n "s/.*of $2 vehicles: p50 \([0-9.]*\) ms.*/\1/p" "$1"; }
python3 - "$(p50 "$work/latency-south.txt" south)" "$(p50 "$work/latency-south.txt" north)" \
  "$(p50 "$work/latency-north.txt" north)" "$(p50 "$work/latency-north.txt" south)" "$delay_ms" <<'EOF' || { keep_logs=1; exit 1; }
import sys
south_in, south_cross, north_in, north_cross, delay = map(float, sys.argv[1:])
ok = True
for name, inside, cross in (("south API host", south_in, south_cross), ("north API", north_in, north_cross)):
    # In region: well under one crossing of the link. Across: at least the round trip of the link.
    good = inside < delay / 2 and cross >= 2 * delay
    ok &= good
    print(f"[multi-region] {name}: in-region p50 {inside:.1f} ms, cross-region p50 {cross:.1f} ms -> {'ok' if good else 'FAIL'}")
sys.exit(0 if ok else 1)
EOF

log "(c) the south silo is killed under an odometer write load (through the north)"
check "$ns_north" write "$north_api" "$work/ledger-before.json" 3
(sleep 2; kill -9 "$pid_south"; echo "[multi-region] south silo killed (SIGKILL)") &
killer=$!
check "$ns_north" write "$north_api" "$work/ledger.json" 20
wait "$killer"
check "$ns_north" verify "$north_api" "$work/ledger.json"
# With no south silo up, the south's stations and vehicles live in the north.
check "$ns_north" placed "$north_api" stations south north
check "$ns_north" placed "$north_api" vehicles south north
# The south API host lost its region's only gateway: it falls back to the north's and answers again.
deadline=$((SECONDS + 60))
until in_south curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" "$south_api/api/vehicles/LMRSA1232P0000001/warranty"; do
  [ $SECONDS -lt $deadline ] || { log "FAILED: the south API host did not answer through the north within 60 s"; keep_logs=1; exit 1; }
  sleep 0.5
done
log "the south API host answers through the north's gateway"
keep_logs=0
log "multi-region: PASS"
