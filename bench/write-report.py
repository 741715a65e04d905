#!/usr/bin/env python3
"""Writes bench/results/latest.json and latest.md from the runs of bench/run-bench.sh.

usage: write-report.py ROOT WORK_DIR KEY=VALUE...

Reads WORK_DIR/runs/*.json (ponte-bench --json) and the figures run-bench.sh measured itself
(start-to-ready times, resident memory, load average), given as KEY=VALUE.
"""
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

root, work = sys.argv[1], sys.argv[2]
given = dict(arg.split("=", 1) for arg in sys.argv[3:])
runs = {}
for name in sorted(os.listdir(os.path.join(work, "runs"))):
    with open(os.path.join(work, "runs", name)) as f:
        runs[name[:-5]] = json.load(f)


def first_line(path, prefix):
    with open(path) as f:
        for line in f:
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    return "unknown"


def git(*args):
    return subprocess.run(["git", "-C", root, *args], capture_output=True, text=True).stdout.strip()


mem_kib = int(first_line("/proc/meminfo", "MemTotal").split()[0])
machine = {"cores": os.cpu_count(), "cpu": first_line("/proc/cpuinfo", "model name"),
           "memory_gib": round(mem_kib / 1048576, 1), "kernel": platform.release(),
           "load_average_before": given["load_before"], "load_average_after": given["load_after"]}
ready_1m = [float(v) for v in given["ready_ms_1m"].split()]
mib = lambda kib: round(int(kib) / 1024, 1)

# Each ponte run is compared with the echo run at the same number of connections, measured with
# ponte stopped at the start...
echo_for = {}
for name in ("echo", "echo-receipt-connections"):
    if name in runs:
        echo_for[runs[name]["connections"]] = runs[name]["throughput"]


def ratio(r):
    echo = echo_for.get(r["connections"])
    return r["throughput"] / echo if echo and r["mode"] == "closed" else None


# ...except verify and getv2, measured in rounds (echo.K, verify.K, getv2.K): each round's ratio
# is taken against its own echo run, and the round with the median ratio stands for the scenario.
round_ids = sorted(int(n.split(".")[1]) for n in runs if n.startswith("echo."))
paired = {}
for scenario in ("verify", "getv2"):
    pairs = [(runs[f"{scenario}.{k}"]["throughput"] / runs[f"echo.{k}"]["throughput"], k)
             for k in round_ids if f"{scenario}.{k}" in runs]
    if not pairs:
        continue
    middle = sorted(pairs)[len(pairs) // 2]
    runs[scenario] = runs[f"{scenario}.{middle[1]}"]
    paired[scenario] = {"ratio": middle[0], "round": middle[1],
                        "rounds": [{"round": k, "echo": runs[f"echo.{k}"]["throughput"],
                                    "throughput": runs[f"{scenario}.{k}"]["throughput"],
                                    "ratio": q} for q, k in sorted(pairs, key=lambda p: p[1])]}


# ...and paSendRTV2 without and with two webhook ledgers, in pairs of runs (receipts.K,
# webhooks.K) on copies of one database: each round's ratio is webhooks.K / receipts.K, and the
# round with the median ratio stands for the webhook run.
hook_ids = sorted(int(n.split(".")[1]) for n in runs if n.startswith("webhooks."))
webhooks = None
hook_pairs = [(runs[f"webhooks.{k}"]["throughput"] / runs[f"receipts.{k}"]["throughput"], k)
              for k in hook_ids if f"receipts.{k}" in runs]
if hook_pairs:
    middle = sorted(hook_pairs)[len(hook_pairs) // 2]
    runs["sendrtv2-webhooks"] = runs[f"webhooks.{middle[1]}"]
    webhooks = {"ratio": middle[0], "round": middle[1],
                "rounds": [{"round": k, "without": runs[f"receipts.{k}"]["throughput"],
                            "with": runs[f"webhooks.{k}"]["throughput"], "ratio": q}
                           for q, k in sorted(hook_pairs, key=lambda p: p[1])]}


def ratio_of(name):
    if name in paired:
        return paired[name]["ratio"]
    return ratio(runs[name])


figures = {
    "start_to_ready_ms": {"positions_200k": float(given["ready_ms_standard"]),
                          "positions_1m_runs": ready_1m,
                          "positions_1m_median": statistics.median(ready_1m)},
    "rss_mib": {"under_load_200k_positions": mib(given["rss_kib_standard"]),
                "idle_1m_positions": mib(given["idle_kib_1m"]),
                "under_load_1m_positions": mib(given["rss_kib_1m"]),
                "peak_1m_positions": mib(given["hwm_kib_1m"])},
    "database_1m_bytes": int(given["db_bytes_1m"]),
}
v, g, s = runs["verify"], runs["getv2"], runs["sendrtv2"]
vh, sh = runs["verify-half"], runs["sendrtv2-half"]
targets = [
    ("verify throughput >= 60% of echo", f"{ratio_of('verify'):.0%}", ratio_of("verify") >= 0.60),
    ("verify p99 <= 2 ms at half its maximum rate", f"{vh['latency_ms']['p99']:.2f} ms",
     vh["latency_ms"]["p99"] <= 2),
    ("getv2 (5 transfers) throughput >= 50% of echo", f"{ratio_of('getv2'):.0%}",
     ratio_of("getv2") >= 0.50),
    ("sendrtv2 durable >= 5000/s", f"{s['throughput']:.0f}/s", s["throughput"] >= 5000),
    ("sendrtv2 p99 <= 10 ms at half its maximum rate", f"{sh['latency_ms']['p99']:.2f} ms",
     sh["latency_ms"]["p99"] <= 10),
    ("RSS <= 100 MiB under load, 1M positions",
     f"{figures['rss_mib']['under_load_1m_positions']} MiB (peak {figures['rss_mib']['peak_1m_positions']})",
     figures["rss_mib"]["peak_1m_positions"] <= 100),
    *([("sendrtv2 with 2 webhook routes within 10% of none",
        f"{webhooks['ratio']:.0%} (rounds: "
        + ", ".join(f"{x['ratio']:.0%}" for x in webhooks["rounds"]) + ")",
        webhooks["ratio"] >= 0.9)]
      if webhooks else []),
    ("start to ready <= 300 ms, 1M positions",
     f"{figures['start_to_ready_ms']['positions_1m_median']:.0f} ms (median of {len(ready_1m)})",
     figures["start_to_ready_ms"]["positions_1m_median"] <= 300),
]
commit = git("rev-parse", "--short", "HEAD")
# The code measured: its own earlier results in bench/results do not count as a change.
if git("status", "--porcelain", "--", "daemon", "bench", ":(exclude)bench/results"):
    commit += " (with local changes)"
report = {
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    "commit": commit, "machine": machine,
    "settings": {k: int(given[k]) for k in
                 ["connections", "receipt_connections", "seconds", "warmup", "positions"]},
    "figures": figures,
    "targets": [{"target": t, "measured": m, "met": ok} for t, m, ok in targets],
    "runs": {name: dict(r, ratio_to_echo=ratio_of(name)) for name, r in runs.items()
             if "." not in name},
    "rounds": paired,
    "webhook_rounds": webhooks,
}
with open(os.path.join(root, "bench/results/latest.json"), "w") as f:
    json.dump(report, f, indent=2)
    f.write("\n")

what = {
    "echo": "echo server (transport limit)",
    "echo-receipt-connections": "echo server (transport limit)",
    "verify": "paVerifyPaymentNotice",
    "getv2": "paGetPaymentV2, 5 transfers",
    "sendrtv2": "paSendRTV2, durable (fsync before OK)",
    "mix": "mix verify:getv2:sendrtv2 = 3:2:1",
    "verify-half": "paVerifyPaymentNotice at 50% of its maximum",
    "sendrtv2-half": "paSendRTV2 at 50% of its maximum",
    "sendrtv2-webhooks": "paSendRTV2, each receipt also delivered to 2 webhook ledgers",
    "verify-1m": "paVerifyPaymentNotice, 1M positions stored",
    "mix-1m": "mix, 1M positions stored",
}
order = ["echo", "echo-receipt-connections", "verify", "getv2", "sendrtv2", "sendrtv2-webhooks",
         "mix", "verify-half", "sendrtv2-half", "verify-1m", "mix-1m"]
def share(name, q):
    """The "of echo" cell: the ratio, and for a paired scenario the echo run it was taken from."""
    if q is None or name.startswith("echo"):
        return ""
    if name in paired:
        echo = next(x["echo"] for x in paired[name]["rounds"] if x["round"] == paired[name]["round"])
        return f"{q:.0%} of {echo:.0f}"
    return f"{q:.0%}"


rows = []
for name in order:
    if name not in runs:
        continue
    r, l = runs[name], runs[name]["latency_ms"]
    q = ratio_of(name)
    mode = "closed" if r["mode"] == "closed" else f"open {r['rate']:.0f}/s"
    errors = ", ".join(f"{k} {n}" for k, n in r["errors"].items()) or "0"
    rows.append(f"| {what[name]} | {r['connections']} | {mode} | {r['throughput']:.0f} | "
                f"{share(name, q)} | {l['p50']:.2f} | "
                f"{l['p90']:.2f} | {l['p99']:.2f} | {l['p999']:.2f} | {l['max']:.2f} | {errors} |")
target_rows = [f"| {t} | {m} | {'yes' if ok else '**no**'} |" for t, m, ok in targets]
rounds_text = ""
if paired:
    listed = "; ".join(
        f"{what[name]}: " + ", ".join(f"{x['ratio']:.0%}" for x in p["rounds"]) +
        f" (round {p['round']} shown)" for name, p in paired.items())
    rounds_text = (f" {what['verify']} and {what['getv2']} ran in {len(round_ids)} rounds, "
                   "each right after an echo run of its own, as the machine's speed drifts "
                   "within a run; their ratio is the median round's, whose run the table shows. "
                   f"Ratios by round: {listed}.")
if webhooks:
    rounds_text += (
        f" {what['sendrtv2-webhooks']} ran in {len(webhooks['rounds'])} pairs of runs: "
        "without the ledgers, then with them (the order alternating), each run on a fresh copy "
        "of the same database. Requests/s by round, without and with: " +
        "; ".join(f"{x['without']:.0f} and {x['with']:.0f} ({x['ratio']:.0%})"
                  for x in webhooks["rounds"]) +
        f". The table shows round {webhooks['round']}, the median.")
md = f"""# ponte benchmark

{report['date']}, commit `{commit}`. {machine['cores']} cores ({machine['cpu']}),
{machine['memory_gib']} GiB, Linux {machine['kernel']}. Load average before the run
{machine['load_average_before']}, after {machine['load_average_after']}: the machine is shared
with other work, and the client (`ponte-bench`) shares its cores with the server.

Every request is checked (HTTP 200 and `<outcome>OK</outcome>`). Kept-alive HTTP/1.1 over mutual
TLS; {report['settings']['seconds']} s per run after a {report['settings']['warmup']} s warm-up;
{report['settings']['positions']} positions stored (SQLite, WAL), each with 5 transfers; log level
warning. Closed loop: each connection sends its next request when the answer arrives. Open
loop: requests due at a fixed rate, latency counted from the time each was due. The ratio
compares with the echo server (ponte's own listener answering a fixed 762-byte body) at the
same number of connections.""" + rounds_text + f"""

| run | connections | loop | requests/s | of echo | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors |
| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
""" + "\n".join(rows) + f"""

| figure | value |
| --- | --- |
| start to ready (exec to READY=1), 200k positions | {figures['start_to_ready_ms']['positions_200k']:.0f} ms |
| start to ready, 1M positions | {', '.join(f'{x:.0f}' for x in ready_1m)} ms |
| resident memory under load, 200k positions (largest sample) | {figures['rss_mib']['under_load_200k_positions']} MiB |
| resident memory, 1M positions: idle / under load / peak | {figures['rss_mib']['idle_1m_positions']} / {figures['rss_mib']['under_load_1m_positions']} / {figures['rss_mib']['peak_1m_positions']} MiB |
| database with 1M positions | {figures['database_1m_bytes'] / 1048576:.0f} MiB |

| target | measured | met |
| --- | --- | --- |
""" + "\n".join(target_rows) + "\n"
with open(os.path.join(root, "bench/results/latest.md"), "w") as f:
    f.write(md)
