#!/usr/bin/python3
"""tools/dev profile: where the service's time goes under wrk load.

Runs //services/api:api (the unstripped binary the image's /app/api is
stripped from: same code, with symbols) on loopback, warms it up, then
measures two things while wrk holds the same load as `tools/dev bench`:

  on-CPU    `perf record -e cpu-clock -a -g`: the share of all CPU time
            taken by the service, by wrk and by the rest; inside the
            service, user space vs kernel, and its top functions.
  off-CPU   `perf sched record` (scheduler tracepoints): for the service's
            threads, how long a thread that became runnable waited for a
            CPU (scheduling delay), on average and at worst; and, from
            /proc, the service's context switches per request.
  user CPU  callgrind: instructions per GET /health in our code, CivetWeb,
            yajl and libc (the difference between a run of N and one of 3N
            requests, so start-up cancels out; repeatable whatever else the
            machine does).

wrk's own p50/p99 for each measured run are printed beside them, so a
tail latency can be compared with the scheduling delay behind it. Then the
service and nginx each run alone on CPU 0 with wrk on CPU 1: the same
load with no sharing of CPUs, thread per connection against one event
loop. Results
go to bench/results/<date>-profile.txt. Needs perf (Debian's linux-perf),
valgrind, and a kernel that allows software events and sched tracepoints.
"""

import argparse
import datetime
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (same directory)

ROOT = bench.ROOT


API_BINARY = os.path.join(ROOT, "bazel-bin", "services", "api", "api")


def api_env(port, threads):
    return {"PORT": str(port), "APP_ENV": "bench", "APP_VERSION": "bench", "API_THREADS": str(threads)}


def start_api(port, threads, prefix=()):
    server = bench.Server("api", list(prefix) + [API_BINARY], port, env=api_env(port, threads))
    server.start()
    return server


def pinned_runs(args, say):
    """The server alone on CPU 0, wrk alone on CPU 1: the api's threads
    against nginx's one event loop, with no load generator in between."""
    server_cpu, client_cpu = ["taskset", "-c", "0"], ["taskset", "-c", "1"]
    work = tempfile.mkdtemp(dir=bench.STATE, prefix="pinned.")
    nginx = bench.nginx_server(bench.free_port(), work)
    nginx.argv = server_cpu + nginx.argv
    servers = [start_api(bench.free_port(), args.threads, server_cpu)]
    try:
        nginx.start()
        servers.append(nginx)
        for server in servers:
            bench.wrk(server.port, args.connections, 2, prefix=client_cpu)  # warm-up
            run = bench.wrk(server.port, args.connections, args.seconds, prefix=client_cpu)
            say("%-6s on CPU 0, wrk on CPU 1: %6.0f req/s, p50 %.2f ms, p99 %.2f ms" % (
                server.name, run["rps"], run["p50_ms"], run["p99_ms"]))
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


def perf(args, **kw):
    return subprocess.run(["perf"] + args, capture_output=True, text=True, **kw)


def context_switches(pid):
    """Voluntary and involuntary context switches of all the process's threads."""
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                total += sum(int(m) for m in re.findall(r"^(?:non)?voluntary_ctxt_switches:\s*(\d+)", f.read(), re.M))
        except OSError:
            pass
    return total


def wrk_during(record_argv, port, connections, seconds):
    """Runs wrk while perf records; returns wrk's parsed result."""
    recorder = subprocess.Popen(["perf"] + record_argv + ["--", "sleep", str(seconds + 1)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result = bench.wrk(port, connections, seconds)
    if recorder.wait() != 0:
        sys.exit("profile: perf %s failed (is linux-perf installed, and perf_event_paranoid <= 2?)"
                 % record_argv[0])
    return result


def report_rows(data, *options):
    """The percentage lines of a `perf report --stdio`."""
    text = perf(["report", "-i", data, "--stdio", "--no-children", "-g", "none"] + list(options)).stdout
    return [line.rstrip() for line in text.splitlines() if re.match(r"^\s+[\d.]+%", line)]


# CivetWeb names its threads; a per-pid filter misses kernel samples of
# threads that started before perf did, so samples are split by command.
API_COMMS = ("civetweb-worker", "civetweb-master")


def cpu_shares(data):
    """CPU samples by command; the api's split between kernel and its own
    code; its top kernel and user-space functions (shares of each side)."""
    by_comm_dso = {}
    for row in report_rows(data, "--sort", "comm,dso"):
        pct, comm, dso = re.match(r"^\s*([\d.]+)%\s+(.+?)\s{2,}(\S+)", row).groups()
        by_comm_dso[(comm, dso)] = float(pct)
    by_comm = {}
    for (comm, _), pct in by_comm_dso.items():
        by_comm[comm] = by_comm.get(comm, 0.0) + pct
    api_total = sum(by_comm.get(c, 0.0) for c in API_COMMS)
    api_by_dso = {}
    for (comm, dso), pct in by_comm_dso.items():
        if comm in API_COMMS:
            api_by_dso[dso] = api_by_dso.get(dso, 0.0) + pct
    top = {"kernel": [], "user": []}
    rows = report_rows(data, "--comms", ",".join(API_COMMS), "--sort", "sym")
    for side, marker in (("kernel", "[k]"), ("user", "[.]")):
        picked = [(float(r.split("%")[0]), r.split(marker, 1)[1].strip()) for r in rows if marker in r]
        side_total = sum(p for p, _ in picked) or 1.0
        top[side] = ["    %5.1f%%  %s" % (100 * p / side_total, name) for p, name in picked[:12]]
    return {
        "by_comm": ["    %5.1f%%  %s" % (pct, comm) for comm, pct in
                    sorted(by_comm.items(), key=lambda kv: -kv[1]) if pct >= 1],
        "api_by_dso": ["    %5.1f%%  %s" % (100 * pct / (api_total or 1.0), dso) for dso, pct in
                       sorted(api_by_dso.items(), key=lambda kv: -kv[1]) if pct >= 0.1],
        "api_kernel": top["kernel"],
        "api_user": top["user"],
    }


def component_of_symbols():
    """Function name -> component, from the archives the binary is linked
    from (the opt build has no debug info, so callgrind cannot tell files)."""
    bin_dir = os.path.join(ROOT, "bazel-bin")
    archives = {
        "service": ["services/api/libapi_lib.a", "tools/embed/libembedded_asset.a"],
        "civetweb": ["external/civetweb/libcivetweb.a"],
        "yajl": ["external/yajl/libyajl.a"],
    }
    owner = {}
    for component, paths in archives.items():
        files = [os.path.join(bin_dir, p) for p in paths]
        if component == "service":
            objs = os.path.join(bin_dir, "services", "api", "_objs", "api")
            files += [os.path.join(objs, f) for f in os.listdir(objs) if f.endswith(".o")]
        out = subprocess.run(["nm", "--defined-only"] + files, capture_output=True, text=True).stdout
        for line in out.splitlines():
            fields = line.split()
            if len(fields) == 3 and fields[1] in "tT":
                owner[fields[2]] = component
    return owner


def callgrind_instructions(requests, threads, owner):
    """Instructions executed by the api, by component (owner: function name
    -> component), for a run that serves `requests` keep-alive GET /health
    on one connection."""
    port = bench.free_port()
    out = os.path.join(bench.STATE, "callgrind.%d.out" % requests)
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, API_BINARY],
                            env=api_env(port, threads), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        bench.first_200(port, deadline_s=60)
        request = b"GET /health HTTP/1.1\r\nHost: b\r\n\r\n"
        with socket.create_connection(("127.0.0.1", port), 10) as conn:
            reader = conn.makefile("rb")
            for _ in range(requests):
                conn.sendall(request)
                length = 0
                while True:
                    line = reader.readline()
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                    if line in (b"\r\n", b""):
                        break
                reader.read(length)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    text = subprocess.run(["callgrind_annotate", "--inclusive=no", "--threshold=100", out],
                          capture_output=True, text=True).stdout
    totals = {"service": 0, "civetweb": 0, "yajl": 0, "libc": 0}
    for line in text.splitlines():
        m = re.match(r"^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?\S*?:(\S+)", line)
        if not m or "PROGRAM TOTALS" in line:
            continue
        totals[owner.get(m.group(2), "libc")] += int(m.group(1).replace(",", ""))
    os.unlink(out)
    return totals


def sched_delays(data, api_pid):
    """Per-thread scheduling delay of the api (from `perf sched latency`)."""
    text = perf(["sched", "latency", "-i", data, "--pids", "--sort", "max"]).stdout
    # Task lines: "  civetweb-worker:1234 | 12.3 ms | 56 | avg: 0.1 ms | max: 2.0 ms | ..."
    api_threads = []
    other = []
    for line in text.splitlines():
        m = re.match(r"^\s*(\S.*?):(\d+)\s*\|\s*[\d.]+ ms\s*\|\s*(\d+)\s*\|\s*avg:\s*([\d.]+) ms\s*\|"
                     r"\s*max:\s*([\d.]+) ms", line)
        if not m:
            continue
        row = {"comm": m.group(1).strip(), "tid": int(m.group(2)), "switches": int(m.group(3)),
               "avg_ms": float(m.group(4)), "max_ms": float(m.group(5))}
        (api_threads if os.path.isdir("/proc/%d/task/%d" % (api_pid, row["tid"])) else other).append(row)
    return api_threads, other


def summarize_sched(rows):
    if not rows:
        return "no api thread found in `perf sched latency`"
    switches = sum(r["switches"] for r in rows)
    mean = sum(r["avg_ms"] * r["switches"] for r in rows) / max(switches, 1)
    return ("%d api threads ran; scheduling delay: mean %.3f ms, "
            "worst thread max %.2f ms, median thread max %.2f ms" % (
                len(rows), mean, max(r["max_ms"] for r in rows),
                sorted(r["max_ms"] for r in rows)[len(rows) // 2]))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=5, help="length of each measured wrk run (default 5)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (default 64)")
    parser.add_argument("--threads", type=int, default=64, help="API_THREADS of the service (default 64)")
    parser.add_argument("--callgrind", type=int, default=1000, metavar="N",
                        help="also count instructions per request with callgrind, from runs of N and 3N "
                             "requests (default 1000; 0 skips it)")
    args = parser.parse_args()
    for tool, package in (("perf", "linux-perf"), ("wrk", "wrk"), ("bazel", "bazel-bootstrap"),
                          ("valgrind", "valgrind")):
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
        switches = context_switches(api.proc.pid)
        baseline = bench.wrk(port, args.connections, args.seconds)
        switches = context_switches(api.proc.pid) - switches
        say("\nwrk alone:           %.0f req/s, p50 %.2f ms, p99 %.2f ms; %.2f context switches per request" % (
            baseline["rps"], baseline["p50_ms"], baseline["p99_ms"],
            switches / max(baseline["rps"] * args.seconds, 1)))

        cpu_data = os.path.join(work, "cpu.data")
        run = wrk_during(["record", "-e", "cpu-clock", "-F", "999", "-a", "-g", "-o", cpu_data],
                         port, args.connections, args.seconds)
        say("under perf record:   %.0f req/s, p50 %.2f ms, p99 %.2f ms" % (run["rps"], run["p50_ms"], run["p99_ms"]))
        shares = cpu_shares(cpu_data)
        say("\n## On-CPU: all CPU samples by command (swapper is idle time)")
        say("\n".join(shares["by_comm"]))
        say("\n## On-CPU: the api's samples by object, as shares of the api's ([kernel.kallsyms]: the kernel working for it)")
        say("\n".join(shares["api_by_dso"]))
        say("\n## On-CPU: the api's top kernel functions (share of its kernel samples)")
        say("\n".join(shares["api_kernel"]))
        say("\n## On-CPU: the api's top user-space functions (share of its user samples)")
        say("\n".join(shares["api_user"]))

        sched_data = os.path.join(work, "sched.data")
        run = wrk_during(["sched", "record", "-o", sched_data], port, args.connections, args.seconds)
        say("\n## Off-CPU: scheduling delay of the api's threads")
        say("under perf sched:    %.0f req/s, p50 %.2f ms, p99 %.2f ms" % (run["rps"], run["p50_ms"], run["p99_ms"]))
        api_rows, other_rows = sched_delays(sched_data, api.proc.pid)
        say(summarize_sched(api_rows))
        wrk_rows = [r for r in other_rows if r["comm"].startswith("wrk")]
        if wrk_rows:
            say("wrk threads: scheduling delay mean %.3f ms, max %.2f ms" % (
                sum(r["avg_ms"] for r in wrk_rows) / len(wrk_rows), max(r["max_ms"] for r in wrk_rows)))
    finally:
        api.stop()
        shutil.rmtree(work, ignore_errors=True)

    if (os.cpu_count() or 1) >= 2 and shutil.which("taskset"):
        say("\n## Pinned: one CPU for the server, one for wrk (c%d)" % args.connections)
        pinned_runs(args, say)

    if args.callgrind:
        say("\n## User-space instructions per GET /health (callgrind: %d minus %d requests)" % (
            args.callgrind * 3, args.callgrind))
        owner = component_of_symbols()
        small = callgrind_instructions(args.callgrind, 4, owner)
        large = callgrind_instructions(args.callgrind * 3, 4, owner)
        per_request = {k: (large[k] - small[k]) / (args.callgrind * 2) for k in small}
        total = sum(per_request.values())
        for name, ir in sorted(per_request.items(), key=lambda kv: -kv[1]):
            say("    %-18s %8.0f  (%4.1f%%)" % (name, ir, 100 * ir / total if total else 0))
        say("    %-18s %8.0f" % ("total", total))
    out_dir = os.path.join(ROOT, "bench", "results")
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, "%s-profile.txt" % datetime.date.today().isoformat())
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\nwrote %s" % out)


if __name__ == "__main__":
    main()
