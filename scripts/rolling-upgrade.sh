#!/usr/bin/env bash
# Rolling upgrade under load: a throwaway PostgreSQL, three silo processes behind one API host (an Orleans client of
# their gateways, which outlives every silo), a steady load through it — warranty reads, odometer readings and visits
# with Idempotency-Keys, stock receipts, work orders — and every silo replaced once, one at a time, gracefully:
# SIGTERM (Orleans' graceful shutdown), its exit awaited, its replacement started and awaited Active in the membership
# table with its gateway open, a pause under load, then the next. Counts every request whose FIRST attempt did not
# succeed (a later successful retry does not make it a success), then checks every acknowledged write is stored
# exactly once (tools/Chaos, --rolling). Ends "rolling: PASS" or "rolling: FAIL"; prints the table of
# docs/reliability.md, "Rolling upgrade".
#   scripts/rolling-upgrade.sh                  current build to current build (the run in docs/reliability.md)
#   scripts/rolling-upgrade.sh --short          a lighter load and shorter pauses (about 1.5 min; run by ./test.sh)
#   scripts/rolling-upgrade.sh --from GIT_REF   the cluster starts on GIT_REF's build (built from `git archive` in a
#                                               temporary directory) and its silos are replaced by the current build;
#                                               the API host stays on GIT_REF's build
#   extra arguments go to the runner: --warmup S --step-pause S --exit-limit S --read-workers N --odometer-workers N
#   --workers N --depot-workers N --work-order-workers N --attempt-timeout S --log-dir DIR --report FILE
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/postgres.sh

from=""; form=()
while [ $# -gt 0 ]; do
  case "$1" in
    --from) [ -n "${2:-}" ] || { echo "--from needs a git ref" >&2; exit 2; }; from="$2"; shift 2 ;;
    --short) form=(--warmup 5 --step-pause 3 --workers 3 --vehicles 60 --read-workers 2 --odometer-workers 2 --odometer-vehicles 20
                   --depot-workers 1 --work-order-workers 1); shift ;;
    *) break ;;
  esac
done

build() { # build the silo and the API host (and the runner) of the tree in $1, Release
  local project out
  for project in "$@"; do
    out="$(dotnet build "$project" -c Release -nologo -v quiet 2>&1)" || { echo "$out" >&2; exit 1; }
  done
}

echo "== building the current build (Release)"
build src/Silo/Silo.csproj src/ApiHost/ApiHost.csproj tools/Chaos/Chaos.csproj

work="$(mktemp -d /tmp/aftersales-rolling.XXXXXX)"
data_dir="$(mktemp -d /tmp/aftersales-rolling-pg.XXXXXX)"
trap 'pg_stop "$data_dir"; rm -rf "$data_dir" "$work"' EXIT

from_args=()
if [ -n "$from" ]; then
  commit="$(git rev-parse --short "$from^{commit}")"
  echo "== building $from ($commit) in $work/from (git archive; no worktree)"
  mkdir -p "$work/from"
  git archive "$commit" | tar -x -C "$work/from"
  build "$work/from/src/Silo/Silo.csproj" "$work/from/src/ApiHost/ApiHost.csproj"
  from_args=(--from-name "$from ($commit)"
    --from-silo-dll "$work/from/src/Silo/bin/Release/net10.0/AfterSales.Actors.Silo.dll"
    --from-api-dll "$work/from/src/ApiHost/bin/Release/net10.0/AfterSales.Actors.ApiHost.dll")
fi

port="$(pg_free_port)"
echo "== starting a throwaway PostgreSQL on 127.0.0.1:$port"
pg_start "$data_dir" "$port"

# The production grain-call budget (5 s), and a client that waits longer than that for an answer: a request fails
# only if the system fails it. Fewer visit writers than the chaos run, so the 2 shared cores are not saturated.
dotnet tools/Chaos/bin/Release/net10.0/AfterSales.Actors.Chaos.dll --rolling \
  --connection "$(pg_connection_string "$port")" \
  --silo-dll "$PWD/src/Silo/bin/Release/net10.0/AfterSales.Actors.Silo.dll" \
  --api-dll "$PWD/src/ApiHost/bin/Release/net10.0/AfterSales.Actors.ApiHost.dll" \
  --api-response-timeout 5 --attempt-timeout 10 --workers 6 \
  "${form[@]}" "${from_args[@]}" "$@"
