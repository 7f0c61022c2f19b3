#!/usr/bin/env python3
"""Turns one bench/run.sh results folder into the summary it prints and, with --doc, docs/benchmarks.md.

Medians are taken per (measurement, connections) over the repeated runs; ratios compare medians at the
same connection count. The hand-written analysis in bench/profiling.md is appended to the document.
"""
import argparse
import csv
import datetime
import os
import platform
import re
import statistics
import subprocess

# Issue 16's targets (for the co-hosted default).
TARGETS = [
    # (label, numerator, denominator, kind, target, higher_is_better)
    ("warranty GET / constant JSON ceiling", "warranty", "constant", "rps", 0.6, True),
    ("warranty GET / database-per-request baseline", "warranty", "baseline-warranty", "rps", 6.0, True),
    ("durable writes: system / raw Npgsql upserts", "odometer-system", "odometer-raw", "rps", 1.0, True),
    ("warranty GET p99 / p50", "warranty", "warranty", "p99/p50", 5.0, False),
]

# Not targets: the same ratios for the bare grain-call path (GET /api/vehicles/{vin}: no rules, a small reply),
# which bound what the warranty GET can reach through a grain call (and, behind an API host, its process hop).
DIAGNOSTICS = [
    ("diagnostic: vehicle GET (grain call, no rules) / constant JSON ceiling", "vehicle", "constant", "rps", 0.6, True),
    ("diagnostic: vehicle GET (grain call, no rules) / database-per-request baseline", "vehicle", "baseline-warranty", "rps", 5.0, True),
]

LABELS = {
    "constant": "constant JSON (Kestrel ceiling of the process serving HTTP)",
    "warranty": "warranty GET through the system (warm, random VIN)",
    "baseline-warranty": "warranty GET, database-per-request baseline",
    "vehicle": "vehicle GET through the system (diagnostic: grain call, no rules)",
    "cold-warranty": "warranty GET, cold (first touch after a silo restart)",
    "odometer-system": "odometer POST through the system (durable)",
    "odometer-raw": "odometer upsert, raw Npgsql (durable)",
    "nearby": "stations/nearby through the system (50 km, random point)",
    "warranty-small": "scale: warranty GET with only the small set active (random VIN of that set)",
    "warranty-all": "scale: warranty GET with the whole fleet active (random VIN of the fleet)",
}
ORDER = list(LABELS)


def sh(*args):
    try:
        return subprocess.run(args, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def read_runs(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def medians(runs):
    groups = {}
    for r in runs:
        groups.setdefault((r["name"], int(r["connections"])), []).append(r)
    out = {}
    for key, rows in groups.items():
        def med(field):
            # A process counter can only be negative when a process it summed exited during the run: not a figure.
            values = [float(x[field]) for x in rows if float(x[field]) >= 0]
            return statistics.median(values) if values else float("nan")
        out[key] = {
            "runs": len(rows),
            "rps": med("rps"), "rps_all": [float(x["rps"]) for x in rows],
            "p50": med("p50_ms"), "p99": med("p99_ms"),
            "non2xx": sum(int(x["non2xx"]) for x in rows), "errors": sum(int(x["socket_errors"]) for x in rows),
            "cpu": {k: med("cpu_" + k) for k in ("total", "silo", "api", "baseline", "postgres", "wrk")},
            "wrapped": any(x["wrapped"] == "1" for x in rows),
        }
    return out


def grep(path, pattern):
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        for line in f:
            if line.startswith(pattern):
                return dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)
    return {}


def ratio_rows(m, connections, table=None):
    rows = []
    for label, num, den, kind, target, higher in (TARGETS if table is None else table):
        values = {}
        for c in connections:
            a, b = m.get((num, c)), m.get((den, c))
            if not a or not b:
                continue
            values[c] = a["p99"] / a["p50"] if kind == "p99/p50" else a["rps"] / b["rps"]
        met = {c: (v >= target if higher else v <= target) for c, v in values.items()}
        rows.append((label, values, target, higher, met))
    return rows


def scale_figures(m, small_n, all_n):
    """The scale figure: medians of the warranty GET over the small active set and over the whole active fleet."""
    pairs = [(c, m[("warranty-small", c)], m[("warranty-all", c)]) for (name, c) in m if name == "warranty-small" and ("warranty-all", c) in m]
    if not pairs:
        return None
    c, small, whole = pairs[0]
    return {"c": c, "small_n": small_n, "all_n": all_n, "small_rps": small["rps"], "all_rps": whole["rps"], "ratio": whole["rps"] / small["rps"]}


def fmt_ms(v):
    return f"{v:.2f}" if v < 100 else f"{v:.0f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--command", required=True)
    ap.add_argument("--commit", required=True)
    ap.add_argument("--elapsed", type=int, required=True)
    ap.add_argument("--deployment", choices=["cohosted", "api-host"], default="api-host")
    ap.add_argument("--vehicles", type=int, required=True)
    ap.add_argument("--stations", type=int, default=0)
    ap.add_argument("--duration", type=int, required=True)
    ap.add_argument("--repeat", type=int, required=True)
    ap.add_argument("--connections", required=True)
    ap.add_argument("--scale-active", type=int, default=10000)
    ap.add_argument("--doc")
    a = ap.parse_args()

    connections = [int(c) for c in a.connections.split()]
    runs = read_runs(os.path.join(a.results, "runs.tsv"))
    m = medians(runs)
    load = grep(os.path.join(a.results, "load.txt"), "LOAD")
    warm = grep(os.path.join(a.results, "warm.txt"), "WARM")
    check = grep(os.path.join(a.results, "warm.txt"), "CHECK")
    memory = grep(os.path.join(a.results, "memory.txt"), "RESULT memory")
    growth_station = grep(os.path.join(a.results, "growth.txt"), "RESULT growth-station ")
    growth_odometer = grep(os.path.join(a.results, "growth.txt"), "RESULT growth-odometer ")
    growth_rounds = grep(os.path.join(a.results, "growth.txt"), "RESULT growth-odometer-rounds")
    growth_batch = grep(os.path.join(a.results, "growth.txt"), "RESULT growth-batch ")
    batch_rounds = grep(os.path.join(a.results, "growth.txt"), "RESULT growth-batch-rounds")
    ratios = ratio_rows(m, connections)
    load_cpu = grep(os.path.join(a.results, "load.txt"), "RESULT load-cpu")
    scale = scale_figures(m, a.scale_active, int(load.get("vehicles", a.vehicles)))
    load_rate = float(load.get("rate", "nan"))
    million_minutes = 1_000_000 / load_rate / 60 if load_rate > 0 else float("nan")
    rss = int(memory.get("rss_bytes", 0))

    # --- the summary printed on every run ---------------------------------------------------------------
    print(f"\nmedians of {a.repeat} run(s) x {a.duration} s, wrk -t2")
    print(f"{'measurement':<20}{'c':>5}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'non2xx':>8}{'cpu%':>6}")
    for name in ORDER:
        for c in connections:
            r = m.get((name, c))
            if r:
                print(f"{name:<20}{c:>5}{r['rps']:>10.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}{r['non2xx']:>8}{r['cpu']['total']:>6.0f}")
    bpg = float(memory.get("bytes_per_grain", "nan"))
    print(f"memory: {bpg:.0f} bytes per active vehicle grain ({memory.get('grains', '?')} grains)")
    for label, values, target, higher, met in ratios:
        shown = ", ".join(f"c={c}: {v:.2f}{'' if met[c] else ' (missed)'}" for c, v in values.items())
        print(f"RATIO {label}: {shown}  target {'>=' if higher else '<='} {target}")
    print(f"RATIO bytes per grain: {bpg:.0f}{'' if bpg <= 3000 else ' (missed)'}  target <= 3000")
    if scale:
        print(f"RATIO warranty GET with {scale['all_n']:,} vs {scale['small_n']:,} active (c={scale['c']}): {scale['ratio']:.2f}{'' if scale['ratio'] >= 0.9 else ' (missed)'}  target >= 0.9")
    if load:
        projected = "" if int(load.get("vehicles", 0)) >= 1_000_000 else " (projected from this run's rate)"
        print(f"RATIO bulk load: {load_rate:,.0f} vehicles/s, a million in {million_minutes:.1f} min{projected}{'' if million_minutes <= 5 else ' (missed)'}  target <= 5 min")
    if load_cpu:
        print(f"load step CPU (% of one core, {load_cpu.get('seconds', '?')} s): silo {load_cpu.get('silo')}, PostgreSQL {load_cpu.get('postgres')}, loader {load_cpu.get('loader')}")
    if rss:
        print(f"silo resident set after the warm-up pass: {rss / 2**20:,.0f} MiB ({rss / max(int(memory.get('grains', 1)), 1):,.0f} B per vehicle grain, everything included)")
    if warm:
        print(f"cold-read rate (warm-up pass, each vehicle read from storage on first touch): {int(warm.get('rate', 0)):,} vehicles/s")
    station_ratio = float(growth_station.get("ratio", "nan"))
    odometer_ratio = float(growth_odometer.get("ratio", "nan"))
    if growth_station:
        print(f"RATIO station document, {growth_station['orders_large']} vs 10 settled orders: {station_ratio:.2f}{'' if station_ratio <= 2 else ' (missed)'}  target <= 2")
    batch_ratio = float(growth_batch.get("ratio", "nan"))
    if growth_batch:
        print(f"RATIO registrations into a batch of {growth_batch['vehicles_large']} vs a new batch: {batch_ratio:.2f}{'' if batch_ratio >= 0.9 else ' (missed)'}  target >= 0.9")
    if growth_odometer:
        print(f"RATIO odometer writes, {growth_odometer['visits_large']} vs 2 visits: {odometer_ratio:.2f}{'' if odometer_ratio >= 0.9 else ' (missed)'}  target >= 0.9")

    if not a.doc:
        return

    # --- docs/benchmarks.md -------------------------------------------------------------------------------
    cpu_model = ""
    if os.path.exists("/proc/cpuinfo"):
        cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "")
    mem_total = sh("free", "-g").splitlines()[1].split()[1] if sh("free", "-g") else "?"
    pg_version = sh("bash", "-c", "ls /usr/lib/postgresql | sort -n | tail -1")
    lines = []
    w = lines.append
    main_doc = os.path.basename(a.doc) == "benchmarks.md"
    w("# Benchmarks" if main_doc else f"# Benchmarks: {a.vehicles:,} vehicles")
    w("")
    if not main_doc:
        w("A run written apart from `docs/benchmarks.md` (which summarises it and holds the analysis, `bench/profiling.md`).")
        w("")
    w("Written by `bench/run.sh` (do not edit the figures by hand; the analysis at the end comes from `bench/profiling.md`).")
    w("The claim under test: an actor cluster answers per-vehicle questions far faster than a service that reads")
    w("the database on every request, and writes durably at close to the speed of a raw upsert.")
    w("")
    w("## The run")
    w("")
    w(f"| | |")
    w(f"|---|---|")
    w(f"| date | {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC |")
    w(f"| machine | {os.cpu_count()} cores ({cpu_model}), {mem_total} GiB memory, {platform.system()} {platform.release()} |")
    w(f"| software | .NET {sh('dotnet', '--version')}, Orleans 10.4.2, Npgsql 10.0.3, PostgreSQL {pg_version} (fsync on), {sh('bash', '-c', 'wrk --version 2>&1 | head -1').split(' [')[0]} |")
    w(f"| commit | `{a.commit}` |")
    w(f"| command | `{a.command.strip()}` — took {a.elapsed // 60} min {a.elapsed % 60} s in all |")
    w(f"| load generator | `wrk -t2 -c{{{','.join(map(str, connections))}}} -d{a.duration}s --timeout 10s --latency` (scripts in `bench/lua/`), median of {a.repeat} run(s) per figure (cold reads: 1) |")
    w(f"| data set | {int(load.get('vehicles', 0)):,} vehicles, {int(load.get('visits', 0)):,} visits (1–4 each: first maintenance, maintenance, repairs, some under warranty); loaded through `POST /api/vehicles/bulk` in {load.get('seconds', '?')} s ({int(load.get('rate', 0)):,} vehicles/s) and into the baseline's tables by binary COPY |")
    w(f"| stations | {a.stations:,} service stations registered through `PUT /api/stations/{{code}}`, scattered over 22–42° N, 103–122° E (about 20 within 50 km of a point) |")
    w(f"| warm-up pass | one warranty GET per vehicle: {int(warm.get('rate', 0)):,} vehicles/s; same answer from system and baseline for {check.get('equal', '?')} of {check.get('compared', '?')} VINs compared |")
    cohosted = a.deployment == "cohosted"
    w(f"| deployment | **{'co-hosted: the silo serves HTTP itself (./run.sh)' if cohosted else 'separate API host in front of the silo (./run.sh --api-host)'}** (`--deployment {a.deployment}`) |")
    w("")
    w("Everything shares the same 2 cores: PostgreSQL, one silo (**Orleans dashboard off**: `Cluster__DashboardEnabled=false`;")
    if cohosted:
        w("the stack notes measured in-silo call throughput 38 % lower with it on) serving the API itself (grain calls in")
        w("the process, as `run.sh` deploys it; the API host column is empty), the baseline service and wrk. All traffic is on loopback.")
    else:
        w("the stack notes measured in-silo call throughput 38 % lower with it on), the API host (an Orleans client over")
        w("the gateway, as `run.sh --api-host` deploys it), the baseline service and wrk. All traffic is on loopback.")
    w("")
    w(f"- **constant JSON**: `GET /api/system/constant` in the {'silo' if cohosted else 'API host'} — the HTTP ceiling of that process.")
    w("- **warranty (system)**: `GET /api/vehicles/{vin}/warranty`, random VIN of the fleet per request, every grain active.")
    w("- **warranty (baseline)**: `bench/Baseline` — ASP.NET Core + `NpgsqlDataSource`; per request one round trip")
    w("  (a batch of three SELECTs: vehicle, visits, readings) and the same `WarrantyRules.Assess`; same JSON.")
    w("- **cold**: the silo is restarted before each concurrency; every request asks a vehicle not activated since")
    w("  (activation + state read + assessment). One run per concurrency.")
    w("- **odometer (system)**: `POST /api/vehicles/{vin}/odometer`, increasing readings; acknowledged only after the")
    w("  grain state is written to PostgreSQL. **odometer (raw)**: the baseline's single-statement")
    w("  `INSERT … ON CONFLICT DO UPDATE` with the never-backwards check in SQL. Same wrk script, same concurrency.")
    w("- **nearby**: `GET /api/stations/nearby?latitude=&longitude=&radiusKm=50` around a random point of the station")
    w("  area (the stations' geo index answers; no target, measured so it cannot regress unseen).")
    w("")
    w("The wrk commands, per connection count C (API = the API host, BASE = the baseline, VINS = the shuffled VIN list):")
    w("")
    w("```")
    opts = f"wrk -t2 -cC -d{a.duration}s --timeout 10s --latency"
    w(f"{opts} -s bench/lua/constant.lua API -- VINS                 # ceiling: GET /api/system/constant")
    w(f"{opts} -s bench/lua/warranty.lua API -- VINS                 # warranty, system")
    w(f"{opts} -s bench/lua/warranty.lua BASE -- VINS                # warranty, baseline")
    w(f"{opts} -s bench/lua/vehicle.lua API -- VINS                  # GET /api/vehicles/{{vin}} (diagnostic)")
    w(f"{opts} -s bench/lua/odometer.lua API -- VINS 2 KM_BASE       # durable writes, system")
    w(f"{opts} -s bench/lua/odometer.lua BASE -- VINS 2 KM_BASE      # durable writes, raw upsert")
    w(f"{opts} -s bench/lua/cold.lua API -- VINS 2 1 0.9N            # cold reads, after a silo restart")
    w(f"{opts} -s bench/lua/nearby.lua API -- POINTS                 # stations/nearby, random point, 50 km")
    w("```")
    w("")
    w("## Results")
    w("")
    w("CPU is the median share of one core over the run (200 % = both cores busy); *other* is whatever else ran on the")
    w("machine meanwhile (it should be near 0; the same machine may be shared with other work).")
    w("")
    w("| measurement | conns | req/s | p50 ms | p99 ms | non-2xx | CPU total | silo | API host | baseline | PostgreSQL | wrk | other |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in ORDER:
        for c in connections:
            r = m.get((name, c))
            if not r:
                continue
            cpu = r["cpu"]
            other = cpu["total"] - cpu["silo"] - cpu["api"] - cpu["baseline"] - cpu["postgres"] - cpu["wrk"]
            spread = f" ({min(r['rps_all']):,.0f}–{max(r['rps_all']):,.0f})" if r["runs"] > 1 else ""
            flag = " ⚠ ran past its VIN slice" if r["wrapped"] else ""
            w(f"| {LABELS[name]}{flag} | {c} | **{r['rps']:,.0f}**{spread} | {fmt_ms(r['p50'])} | {fmt_ms(r['p99'])} | {r['non2xx']} | "
              f"{cpu['total']:.0f} % | {cpu['silo']:.0f} % | {cpu['api']:.0f} % | {cpu['baseline']:.0f} % | {cpu['postgres']:.0f} % | {cpu['wrk']:.0f} % | {max(other, 0):.0f} % |")
    w("")
    w(f"**Memory per active vehicle grain**: {bpg:,.0f} bytes — GC heap of the silo after a forced full collection,")
    w(f"growth from before the load to after the warm-up pass ({int(memory.get('heap_before', 0)) / 2**20:,.0f} MiB → "
      f"{int(memory.get('heap_after', 0)) / 2**20:,.0f} MiB) divided by the {int(memory.get('grains', 0)):,} vehicle activations it gained "
      "(`GET /api/system/memory`, enabled by `Diagnostics__MemoryEndpoint=true`).")
    w("")
    if rss:
        w(f"**Silo resident set** after the warm-up pass: {rss / 2**20:,.0f} MiB for {int(memory.get('grains', 0)):,} active vehicles "
          f"({rss / max(int(memory.get('grains', 1)), 1):,.0f} B each, runtime, code, caches and GC head-room included).")
        w("")
    if warm:
        w(f"**Cold-read rate**: the warm-up pass activated {int(warm.get('vehicles', 0)):,} vehicles from storage at {int(warm.get('rate', 0)):,} vehicles/s "
          "(64 concurrent requests; the cold-warranty rows above measure the same at each concurrency).")
        w("")
    if load_cpu:
        w(f"**Bulk load**: {int(load.get('vehicles', 0)):,} vehicles at {load_rate:,.0f} vehicles/s; over the whole load step ({load_cpu.get('seconds')} s) "
          f"the silo used {load_cpu.get('silo')} %, PostgreSQL {load_cpu.get('postgres')} % and the loader {load_cpu.get('loader')} % of one core (200 % = both cores).")
        w("")
    w("### CPU per request (µs of CPU time per request, by process: where the time goes)")
    w("")
    w("| measurement | conns | silo | API host | baseline | PostgreSQL | wrk | all four servers + wrk |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in ORDER:
        for c in connections:
            r = m.get((name, c))
            if not r or r["rps"] <= 0:
                continue
            us = {k: r["cpu"][k] * 1e4 / r["rps"] for k in ("silo", "api", "baseline", "postgres", "wrk")}
            w(f"| {LABELS[name]} | {c} | {us['silo']:.0f} | {us['api']:.0f} | {us['baseline']:.0f} | {us['postgres']:.0f} | {us['wrk']:.0f} | {sum(us.values()):.0f} |")
    w("")
    w("## Ratios against the targets")
    w("")
    w("| ratio | " + " | ".join(f"c={c}" for c in connections) + " | target | met |")
    w("|---|" + "---:|" * len(connections) + "---|---|")
    for label, values, target, higher, met in ratios:
        cells = " | ".join(f"{values[c]:.2f}" if c in values else "–" for c in connections)
        verdict = "yes" if met and all(met.values()) else ("at " + ", ".join(f"c={c}" for c, ok in met.items() if ok) if any(met.values()) else "no")
        w(f"| {label} | {cells} | {'≥' if higher else '≤'} {target} | {verdict} |")
    w(f"| bytes per active vehicle grain | {bpg:,.0f} |" + " |" * (len(connections) - 1) + f" ≤ 3,000 | {'yes' if bpg <= 3000 else 'no'} |")
    if scale:
        w(f"| warranty GET with {scale['all_n']:,} vs {scale['small_n']:,} vehicles active, c={scale['c']} ({scale['all_rps']:,.0f} vs {scale['small_rps']:,.0f} req/s) | {scale['ratio']:.2f} |"
          + " |" * (len(connections) - 1) + f" ≥ 0.9 | {'yes' if scale['ratio'] >= 0.9 else 'no'} |")
    if load:
        projected = "" if int(load.get("vehicles", 0)) >= 1_000_000 else ", projected from this run's rate"
        w(f"| bulk load of a million vehicles, minutes ({load_rate:,.0f} vehicles/s{projected}) | {million_minutes:.1f} |"
          + " |" * (len(connections) - 1) + f" ≤ 5 | {'yes' if million_minutes <= 5 else 'no'} |")
    if growth_station:
        w(f"| station's stored document, {int(growth_station['orders_large']):,} vs 10 settled work orders ({int(growth_station['bytes_large']):,} vs {int(growth_station['bytes_small']):,} bytes) | {station_ratio:.2f} |"
          + " |" * (len(connections) - 1) + f" ≤ 2 | {'yes' if station_ratio <= 2 else 'no'} |")
    if growth_odometer:
        w(f"| odometer writes/s, vehicles with {growth_odometer['visits_large']} vs 2 visits ({float(growth_odometer['rps_large']):,.0f} vs {float(growth_odometer['rps_small']):,.0f}/s, 16 writers; rounds {growth_rounds.get('large', '?')} vs {growth_rounds.get('small', '?')}) | {odometer_ratio:.2f} |"
          + " |" * (len(connections) - 1) + f" ≥ 0.9 | {'yes' if odometer_ratio >= 0.9 else 'no'} |")
    if growth_batch:
        w(f"| registrations/s into a batch of {int(growth_batch['vehicles_large']):,} vs a new batch ({float(growth_batch['rps_large']):,.0f} vs {float(growth_batch['rps_new']):,.0f}/s, 16 writers; rounds {batch_rounds.get('large', '?')} vs {batch_rounds.get('new', '?')}; the batch's document {int(growth_batch['stored_bytes_large']):,} bytes) | {batch_ratio:.2f} |"
          + " |" * (len(connections) - 1) + f" ≥ 0.9 | {'yes' if batch_ratio >= 0.9 else 'no'} |")
    for label, values, target, higher, met in ratio_rows(m, connections, DIAGNOSTICS):
        cells = " | ".join(f"{values[c]:.2f}" if c in values else "–" for c in connections)
        w(f"| {label} | {cells} | (no target; {'≥' if higher else '≤'} {target} for the warranty GET) | – |")
    w("")
    w("## What limits each number (from this run's CPU split)")
    w("")
    for name in ORDER:
        rs = [m[(name, c)] for c in connections if (name, c) in m]
        if not rs:
            continue
        top = max(rs, key=lambda r: r["rps"])
        cpu = top["cpu"]
        parts = sorted(((cpu[k], k) for k in ("silo", "api", "baseline", "postgres", "wrk")), reverse=True)
        busiest = ", ".join(f"{label} {v:.0f} %" for v, label in parts if v >= 5)
        bound = "CPU-bound (both cores busy)" if cpu["total"] >= 180 else f"not CPU-bound ({cpu['total']:.0f} % of 200 %): waiting on I/O or locks"
        w(f"- **{LABELS[name]}**: best {top['rps']:,.0f} req/s; {bound}; {busiest}.")
    w("")
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "profiling.md")
    # The analysis goes with the main document only (a --doc elsewhere, such as the million run, links to it).
    if os.path.exists(notes) and os.path.basename(a.doc) == "benchmarks.md":
        w(open(notes).read().rstrip())
        w("")
    os.makedirs(os.path.dirname(os.path.abspath(a.doc)), exist_ok=True)
    with open(a.doc, "w") as f:
        f.write("\n".join(lines))
    print(f"wrote {a.doc}")


if __name__ == "__main__":
    main()
