#!/usr/bin/env python3
"""The HTTP side of scripts/multi-region.sh, run inside a region's network namespace.

  multi_region_check.py setup API                register stations and delivered vehicles of both regions
  multi_region_check.py placed API KIND REGION [ON]  wait until every grain of REGION's data sits on a silo of ON
                                                 (default: REGION itself)
  multi_region_check.py latency API LABEL        p50/p90 of warranty reads of each region's vehicles through API
  multi_region_check.py write API FILE SECONDS   odometer writes to the south vehicles; acknowledged values to FILE
  multi_region_check.py verify API FILE          every acknowledged write is there (waits for the cluster to answer)

API is a base URL (http://10.77.0.1:8080). TOKEN (operator) comes from the environment. Output lines are what the
shell script and the test read; a failed check exits 1 naming what failed.
"""
import http.client
import json
import os
import statistics
import sys
import time
import urllib.parse

REGIONS = {"north": ("北京", "BJ"), "south": ("广东", "GD")}
STATIONS_PER_REGION = 4
VEHICLES_PER_REGION = 20
SILO_PREFIX = {"north": "north-", "south": "south-"}


def vin(serial: int, region: str) -> str:
    """A VIN with a valid ISO 3779 check digit: LMR (maker), region letter, serial."""
    body = "LMR" + ("N" if region == "north" else "S") + "A123" + "0" + "P" + f"{serial:07d}"
    values = {**{str(d): d for d in range(10)}, **dict(zip("ABCDEFGH", range(1, 9))), **dict(zip("JKLMN", range(1, 6))),
              "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10)))}
    weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
    check = sum(values[c] * w for c, w in zip(body, weights)) % 11
    return body[:8] + ("X" if check == 10 else str(check)) + body[9:]


def vehicles(region: str) -> list:
    return [vin(i, region) for i in range(1, VEHICLES_PER_REGION + 1)]


def stations(region: str) -> list:
    return [f"{REGIONS[region][1]}-{i:02d}" for i in range(1, STATIONS_PER_REGION + 1)]


class Api:
    def __init__(self, base: str):
        parsed = urllib.parse.urlparse(base)
        self.host, self.port = parsed.hostname, parsed.port
        self.headers = {"Authorization": "Bearer " + os.environ["TOKEN"], "Content-Type": "application/json"}
        self.connection = None

    def call(self, method: str, path: str, body=None, key=None, timeout=10.0):
        headers = dict(self.headers)
        if key:
            headers["Idempotency-Key"] = key
        for attempt in (1, 2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
                self.connection.request(method, path, json.dumps(body) if body is not None else None, headers)
                response = self.connection.getresponse()
                data = response.read()
                return response.status, (json.loads(data) if data else None)
            except (OSError, http.client.HTTPException):
                self.connection = None
                if attempt == 2:
                    return 0, None
        return 0, None


def must(status_body, what):
    status, body = status_body
    if status not in (200, 201):
        sys.exit(f"FAIL: {what}: HTTP {status} {body}")
    return body


def keyed(api: Api, method: str, path: str, body, key: str, what: str):
    """A keyed write, retried with its key while the cluster answers 503 (as the API tells clients to)."""
    for _ in range(5):
        status, reply = api.call(method, path, body, key=key)
        if status not in (0, 503):
            break
    return must((status, reply), what)


def setup(api: Api):
    for region, (province, _) in REGIONS.items():
        for code in stations(region):
            keyed(api, "PUT", f"/api/stations/{code}", {
                "name": f"{code} station", "province": province, "city": province, "latitude": 30.0, "longitude": 115.0,
                "bays": 4, "appraisers": ["王工"]}, f"st-{code}", f"register station {code}")
        for v in vehicles(region):
            keyed(api, "POST", "/api/vehicles", {"vin": v, "model": "ID.4", "batch": "B2026-01", "productionDate": "2026-01-10",
                                                "powertrain": "bev", "price": 199900}, f"reg-{v}", f"register {v}")
            keyed(api, "POST", f"/api/vehicles/{v}/delivery", {
                "ownerName": "Li Lei", "ownerPhone": "13800000000", "dealerCode": stations(region)[0],
                "invoiceDate": "2026-02-01", "deliveryDate": "2026-02-03", "odometerKm": 12}, f"del-{v}", f"deliver {v}")
    print(f"setup: {len(REGIONS) * STATIONS_PER_REGION} stations, {len(REGIONS) * VEHICLES_PER_REGION} delivered vehicles")


def placed(api: Api, kind: str, region: str, on: str, timeout=30.0):
    keys = stations(region) if kind == "stations" else vehicles(region)
    deadline = time.monotonic() + timeout
    while True:
        where = {}
        for key in keys:
            # Reading the grain activates it wherever placement puts it; placement says where that is.
            must(api.call("GET", f"/api/{kind}/{key}" + ("" if kind == "stations" else "/warranty")), f"read {kind} {key}")
            where[key] = (must(api.call("GET", f"/api/system/placement/{kind}/{key}"), f"placement of {key}") or {}).get("siloName") or "?"
        away = {k: s for k, s in where.items() if not s.startswith(SILO_PREFIX[on])}
        if not away:
            print(f"placed: all {len(keys)} {region} {kind} on {on} silos ({', '.join(sorted(set(where.values())))})")
            return
        if time.monotonic() > deadline:
            sys.exit(f"FAIL: {len(away)} {region} {kind} not on a {on} silo after {timeout:.0f} s: {away}")
        time.sleep(0.5)  # a real-time wait for an out-of-process effect (grains migrating when idle), bounded above


def latency(api: Api, label: str, rounds=3):
    for region in REGIONS:
        samples = []
        for _ in range(rounds):
            for v in vehicles(region):
                started = time.perf_counter()
                must(api.call("GET", f"/api/vehicles/{v}/warranty"), f"warranty {v}")
                samples.append((time.perf_counter() - started) * 1000)
        samples.sort()
        p50, p90 = statistics.median(samples), samples[int(len(samples) * 0.9) - 1]
        print(f"latency: via {label} of {region} vehicles: p50 {p50:.1f} ms p90 {p90:.1f} ms (n={len(samples)})")


def write(api: Api, path: str, seconds: float):
    acknowledged, attempted, failed = {}, {}, 0
    reading = 1000
    deadline = time.monotonic() + seconds
    last_ack, longest_gap = time.monotonic(), 0.0
    while time.monotonic() < deadline:
        reading += 10
        for v in vehicles("south"):
            attempted.setdefault(v, []).append(reading)
            status, _ = api.call("POST", f"/api/vehicles/{v}/odometer",
                                 {"readingKm": reading, "readAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
                                 key=f"odo-{v}-{reading}", timeout=5.0)
            if status in (200, 201):
                acknowledged[v] = reading
                now = time.monotonic()
                longest_gap, last_ack = max(longest_gap, now - last_ack), now
            else:
                failed += 1
    with open(path, "w") as out:
        json.dump({"acknowledged": acknowledged, "attempted": attempted}, out)
    print(f"write: {sum(len(a) for a in attempted.values())} odometer writes, {failed} not acknowledged, "
          f"{len(acknowledged)} vehicles with an acknowledged reading, longest time without an acknowledgement {longest_gap:.1f} s")


def verify(api: Api, path: str, timeout=90.0):
    ledger = json.load(open(path))
    deadline = time.monotonic() + timeout
    lost, started = [], time.monotonic()
    for v, value in ledger["acknowledged"].items():
        while True:
            status, body = api.call("GET", f"/api/vehicles/{v}", timeout=5.0)
            if status == 200:
                break
            if time.monotonic() > deadline:
                sys.exit(f"FAIL: {v} did not answer within {timeout:.0f} s (HTTP {status})")
            time.sleep(0.5)  # bounded real-time wait: the cluster declares the killed silo dead on its own clock
        stored = body.get("odometerKm")
        if stored is None or stored < value or stored not in ledger["attempted"][v]:
            lost.append((v, value, stored))
    print(f"verify: {len(ledger['acknowledged'])} vehicles answered again after {time.monotonic() - started:.1f} s; "
          f"acknowledged but lost: {len(lost)}")
    if lost:
        sys.exit(f"FAIL: acknowledged writes lost: {lost}")


def main():
    command, base = sys.argv[1], sys.argv[2]
    api = Api(base)
    if command == "setup":
        setup(api)
    elif command == "placed":
        placed(api, sys.argv[3], sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else sys.argv[4])
    elif command == "latency":
        latency(api, sys.argv[3])
    elif command == "write":
        write(api, sys.argv[3], float(sys.argv[4]))
    elif command == "verify":
        verify(api, sys.argv[3])
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
