#!/usr/bin/python3
"""tools/dev bench --profile: where the service's time goes under wrk load.

Runs //services/api:api (the unstripped binary the image's /app/api is
stripped from: same code, with symbols) on loopback, warms it up, then
measures two things while wrk holds the same load as `tools/dev bench`:

  on-CPU    `perf record -e cpu-clock -a -g`: the share of all CPU time
            taken by the service, by wrk and by the rest; inside the
            service, user space vs kernel, and its top functions.
  off-CPU   `perf sched record` (scheduler tracepoints): for the service's
            threads, how long a thread that became runnable waited for a
            CPU (scheduling delay), on average and at worst, and how many
            context switches there were per request.

wrk's own p50/p99 for each measured run are printed beside them, so a
tail latency can be compared with the scheduling delay behind it. Results
go to .state/bench/profile-<date>.txt. Needs perf (Debian's linux-perf) and
a kernel that allows software events and sched tracepoints.
"""

import argparse
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (same directory)

ROOT = bench.ROOT


def start_api(port, threads):
    binary = os.path.join(ROOT, "bazel-bin", "services", "api", "api")
    env = {"PORT": str(port), "APP_ENV": "bench", "APP_VERSION": "bench", "API_THREADS": str(threads)}
    server = bench.Server("api", [binary], port, env=env)
    server.start()
    return server


def perf(args, **kw):
    return subprocess.run(["perf"] + args, capture_output=True, text=True, **kw)


def wrk_during(record_argv, port, connections, seconds):
    """Runs wrk while perf records; returns wrk's parsed result."""
    recorder = subprocess.Popen(["perf"] + record_argv + ["--", "sleep", str(seconds + 1)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result = bench.wrk(port, connections, seconds)
    if recorder.wait() != 0:
        sys.exit("profile: perf %s failed (is linux-perf installed, and perf_event_paranoid <= 2?)"
                 % record_argv[0])
    return result


def cpu_shares(data, api_pid):
    """Percent of CPU samples by command, and inside the api: kernel vs user, top symbols."""
    by_comm = perf(["report", "-i", data, "--stdio", "--no-children", "--sort", "comm",
                    "-g", "none", "--percent-limit", "1"]).stdout
    api_split = perf(["report", "-i", data, "--stdio", "--no-children", "--pid", str(api_pid),
                      "--sort", "dso", "-g", "none", "--percent-limit", "1"]).stdout
    api_syms = perf(["report", "-i", data, "--stdio", "--no-children", "--pid", str(api_pid),
                     "--sort", "sym", "-g", "none", "--percent-limit", "1.5"]).stdout

    def rows(text):
        return [line.rstrip() for line in text.splitlines() if re.match(r"^\s+[\d.]+%", line)]
    return rows(by_comm), rows(api_split), rows(api_syms)


def sched_delays(data, api_pid):
    """Per-thread scheduling delay of the api (from `perf sched latency`)."""
    text = perf(["sched", "latency", "-i", data, "--sort", "max"]).stdout
    # Task lines: "  api:1234 | runtime ms | switches | avg delay: X ms | max delay: Y ms | ..."
    api_threads = []
    other = []
    for line in text.splitlines():
        m = re.match(r"^\s*(\S.*?):(\d+)\s*\|\s*([\d.]+) ms\s*\|\s*(\d+)\s*\|\s*avg:\s*([\d.]+) ms\s*\|"
                     r"\s*max:\s*([\d.]+) ms", line)
        if not m:
            continue
        row = {"comm": m.group(1).strip(), "tid": int(m.group(2)), "runtime_ms": float(m.group(3)),
               "switches": int(m.group(4)), "avg_ms": float(m.group(5)), "max_ms": float(m.group(6))}
        (api_threads if os.path.isdir("/proc/%d/task/%d" % (api_pid, row["tid"])) else other).append(row)
    return api_threads, other


def summarize_sched(rows):
    if not rows:
        return "no api thread found in `perf sched latency`"
    switches = sum(r["switches"] for r in rows)
    mean = sum(r["avg_ms"] * r["switches"] for r in rows) / max(switches, 1)
    return ("%d api threads ran; %d context switches; scheduling delay: mean %.3f ms, "
            "worst thread max %.2f ms, median thread max %.2f ms" % (
                len(rows), switches, mean, max(r["max_ms"] for r in rows),
                sorted(r["max_ms"] for r in rows)[len(rows) // 2]))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=5, help="length of each measured wrk run (default 5)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (default 64)")
    parser.add_argument("--threads", type=int, default=128, help="API_THREADS of the service (default 128)")
    args = parser.parse_args()
    for tool, package in (("perf", "linux-perf"), ("wrk", "wrk"), ("bazel", "bazel-bootstrap")):
        if not shutil.which(tool):
            sys.exit("profile: %s not found: apt-get install %s (tools/dev bootstrap installs it)" % (tool, package))

    print("==> build //services/api:api", flush=True)
    subprocess.run(["bazel", "build", "--noshow_progress", "//services/api:api"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.makedirs(bench.STATE, exist_ok=True)
    work = tempfile.mkdtemp(dir=bench.STATE, prefix="profile.")
    port = bench.free_port()
    api = start_api(port, args.threads)
    lines = []

    def say(text=""):
        print(text, flush=True)
        lines.append(text)
    try:
        bench.wrk(port, args.connections, 2)  # warm-up
        say("# Profile %s: //services/api:api, API_THREADS=%d, wrk -t2 -c%d, %d s, %d CPUs" % (
            datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            args.threads, args.connections, args.seconds, os.cpu_count()))
        baseline = bench.wrk(port, args.connections, args.seconds)
        say("\nwrk alone:           %.0f req/s, p50 %.2f ms, p99 %.2f ms" % (
            baseline["rps"], baseline["p50_ms"], baseline["p99_ms"]))

        cpu_data = os.path.join(work, "cpu.data")
        run = wrk_during(["record", "-e", "cpu-clock", "-F", "999", "-a", "-g", "-o", cpu_data],
                         port, args.connections, args.seconds)
        say("under perf record:   %.0f req/s, p50 %.2f ms, p99 %.2f ms" % (run["rps"], run["p50_ms"], run["p99_ms"]))
        by_comm, api_split, api_syms = cpu_shares(cpu_data, api.proc.pid)
        say("\n## On-CPU: all CPU samples by command")
        say("\n".join(by_comm))
        say("\n## On-CPU: the api's samples by object ([kernel.kallsyms] is its system calls)")
        say("\n".join(api_split))
        say("\n## On-CPU: the api's top functions")
        say("\n".join(api_syms))

        sched_data = os.path.join(work, "sched.data")
        run = wrk_during(["sched", "record", "-o", sched_data], port, args.connections, args.seconds)
        say("\n## Off-CPU: scheduling delay of the api's threads")
        say("under perf sched:    %.0f req/s, p50 %.2f ms, p99 %.2f ms" % (run["rps"], run["p50_ms"], run["p99_ms"]))
        api_rows, other_rows = sched_delays(sched_data, api.proc.pid)
        say(summarize_sched(api_rows))
        requests = run["rps"] * args.seconds
        if api_rows and requests:
            say("context switches per request: %.2f" % (sum(r["switches"] for r in api_rows) / requests))
        wrk_rows = [r for r in other_rows if r["comm"].startswith("wrk")]
        if wrk_rows:
            say("wrk threads: scheduling delay mean %.3f ms, max %.2f ms" % (
                sum(r["avg_ms"] for r in wrk_rows) / len(wrk_rows), max(r["max_ms"] for r in wrk_rows)))
    finally:
        api.stop()
        shutil.rmtree(work, ignore_errors=True)
    out = os.path.join(bench.STATE, "profile-%s.txt" % datetime.date.today().isoformat())
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\nwrote %s" % out)


if __name__ == "__main__":
    main()
