#!/usr/bin/env python3
"""The Markdown table of ops/bench --compare, from the JSON files of one run in a folder:
project-cheap-c<C>.json and project-argon2id-c<C>.json (enroll-bench --json, via ops/bench)
and the peers' xstate-bullmq.json and restate.json (one JSON line each, ../shared/peers).

usage: compare_table.py DIR

Server CPU per registration: the project's is enrollmentd + the connector simulators + the
broker (Kafka's JVM or the dev broker) + redis-server (enroll-bench, the load driver, is left
out, as the peers leave out theirs); the peers' is their own server_cpu_ms_per_registration.
Memory: the sum of the server processes' peak RSS (VmHWM) at the end of the run. The project
starts its servers afresh for each run; a peer's servers serve its warm-up and both
concurrencies, so its C=200 figure includes the C=50 run's peak."""
import json
import os
import sys

DRIVER = "enroll-bench"


def load_last_json(path):
    """The last line of a file that parses as a JSON object, or None."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = [l for l in f.read().splitlines() if l.strip().startswith("{")]
        return json.loads(lines[-1]) if lines else None
    except (OSError, ValueError):
        return None


def project_row(label, j):
    per_1000 = j.get("cpu_s_per_1000_events", {})
    events = j["inbound_events"]
    count = j["count"]
    cpu_s = {k: v * events / 1000.0 for k, v in per_1000.items() if k != DRIVER}
    cpu = "%.1f (enrollmentd %.1f)" % (1000.0 * sum(cpu_s.values()) / count,
                                       1000.0 * cpu_s.get("enrollmentd", 0) / count)
    rss = {k: v for k, v in j.get("peak_rss_mib", {}).items() if k != DRIVER}
    mem = "%.0f (enrollmentd %.0f)" % (sum(rss.values()), rss.get("enrollmentd", 0)) if rss else "–"
    a = j.get("argon2id")
    if a:
        label += " (%s pass%s / %s KiB" % (a["opslimit"], "" if a["opslimit"] == 1 else "es",
                                           a["memlimit_kib"])
        # The hashing limit where it is within reach (a cheap cost puts it 100x away).
        if a["of_limit_percent"] >= 1:
            label += "; %.0f %% of the hashing limit, %.1f/s" % (a["of_limit_percent"],
                                                                 a["limit_registrations_per_s"])
        label += ")"
    lat = j["latency_ms"]
    return [label, str(j["concurrency"]), "%.1f" % j["registrations_per_s"],
            "%.0f" % j["events_per_s"], "%.0f / %.0f" % (lat["p50"], lat["p99"]), cpu, mem]


def peer_rows(label, j):
    rows = []
    for key, m in sorted(j["medians"].items(), key=lambda kv: int(kv[0][1:])):
        c = int(key[1:])
        runs = [r for r in j.get("runs", []) if r.get("C") == c]
        mem_after = runs[-1].get("mem_after_run", {}) if runs else {}
        mem = "%.0f" % sum(p["hwm_mib"] for p in mem_after.values()) if mem_after else "–"
        cpu = "%.1f (%s)" % (m["server_cpu_ms_per_registration"],
                             ", ".join("%s %.1f" % (k, 1000.0 * v / m["N"])
                                       for k, v in m["cpu_s_by_process"].items()))
        errors = " (%d errors)" % m["errors"] if m.get("errors") else ""
        rows.append([label + errors, str(c), "%.1f" % m["registrations_per_s"],
                     "%.0f" % m["inbound_events_per_s"],
                     "%.0f / %.0f" % (m["cmd_p50_ms"], m["cmd_p99_ms"]), cpu, mem])
    return rows


def main(argv):
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        print("usage: compare_table.py DIR", file=sys.stderr)
        return 2
    d = argv[1]
    rows = []
    missing = []
    for c in (50, 200):
        for name, label in (("project-cheap", "this project, cheap Argon2id"),):
            j = load_last_json(os.path.join(d, "%s-c%d.json" % (name, c)))
            rows.append(project_row(label, j)) if j else missing.append("%s-c%d" % (name, c))
    for name, label in (("xstate-bullmq", "XState + BullMQ"), ("restate", "Restate, 2 partitions")):
        j = load_last_json(os.path.join(d, name + ".json"))
        rows.extend(peer_rows(label, j)) if j else missing.append(name)
    for c in (50, 200):
        j = load_last_json(os.path.join(d, "project-argon2id-c%d.json" % c))
        rows.append(project_row("this project, default Argon2id", j)) if j else missing.append(
            "project-argon2id-c%d" % c)
    rows.sort(key=lambda r: (r[0].startswith("this project, default"), int(r[1])))
    head = ["run", "C", "registrations/s", "inbound events/s", "p50 / p99 ms",
            "server CPU ms per registration", "server peak RSS MiB"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(r) + " |")
    if missing:
        print("compare_table.py: no figures for %s" % ", ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
