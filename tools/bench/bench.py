#!/usr/bin/python3
"""tools/dev bench: our service against its peers, on one machine.

Servers on loopback, measured in one run with the same load:
  api       //services/api:image, run from its own rootfs under bubblewrap,
            as `tools/dev up` runs it
  api-base  (with --baseline LAYOUT) an earlier build of the same image, run
            the same way: "today's" service, to compare a change against
  go        tools/bench/peer-go: Go's net/http doing the same /health work
            (JSON body, request id, a JSON access-log line per request),
            built by tools/bootstrap (tools/bench/build-peer-go)
  fastapi   tools/bench/reference/app.py under uvicorn, 1 worker, Debian's
            python3-fastapi and python3-uvicorn (asyncio + h11)
  nginx     `return 200` with the same /health body: the ceiling for an
            HTTP/1.1 server here

For each concurrency, rounds alternate the servers (A B C A B C) so drift
shows; each run is wrk with fixed threads and connections after a warm-up.
Reported per run: requests/s, p50/p99 latency, errors, the server's peak RSS,
and per connection whether it was served: wrk's counters do not show a
connection that never got an answer, so `ss` samples wrk's sockets every
half second; a connection that never received a byte although its request
went out over a second earlier is *starved*, and a run with a starved
connection is marked FAIL. Per server: cold start to the first 200; per
round: the ratios of api to each peer. Results go to
bench/results/<date>.json and a Markdown table, with a picture of each
run's latency percentiles (p50 to p99.9, log scale; wrk's own histogram,
read by a Lua done() hook) in bench/results/<date>-latency.svg, linked
from the table. Targets are printed beside the numbers; nothing here
passes or fails on speed.

Then the slow-client scenario (tools/bench/slow_clients.py) against api,
go and nginx in the same run (--slow-clients 100,1000; 0 skips it): N
connections send a request a byte every 250 ms (the head of a GET, or the
body of a POST /v1/echo after its head) while /health is polled every
100 ms on new connections; reported per server: the poller's worst and
p99 latency and its failed polls (not answered 200 within 2 s). The Go
peer has no /v1/echo (it answers 404 without reading the body) and nginx
answers it with `return 200`: the body trickle measures the poller, not
the echo. --slow-only runs just that.

--soak runs only the api for a while (default 120 s at c256, GET /health
and POST /v1/echo alternating) and compares its RSS and open file
descriptors after the warm-up with those at the end (bench/results/
<date>-soak.{json,md}).
"""

import argparse
import datetime
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import resource
import tempfile
import threading
import time

import latency_svg  # same directory
import slow_clients

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STATE = os.path.join(ROOT, ".state", "bench")
HEALTH_BODY = '{"status":"ok","environment":"bench","stage":"","version":"bench","image_digest":""}'
TARGETS = ("api >= 1.3x go req/s with a lower p99 at c64 and c256; api >= 10x fastapi and >= 0.6x nginx req/s; "
           "api >= 0.95x api-base at c64; every connection served at every concurrency (c1024 included); "
           "RSS <= 16 MB (c1024 included); p99 <= 1 ms at c64; cold start <= 20 ms")
PEER_GO = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
                       "civet-api", "bench", "peer-go")
STARVED_AFTER_MS = 1000  # a request unanswered this long, on a connection never answered, is starved
PERCENTILE_SCRIPT = """-- tools/bench/bench.py: wrk's latency percentiles up to p99.9, in us.
done = function(summary, latency, requests)
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("percentile %g %d\\n", p, latency:percentile(p)))
  end
end
"""
SOAK_SCRIPT = """-- tools/bench/bench.py --soak: GET /health and POST /v1/echo alternating.
local n = 0
request = function()
  n = n + 1
  if n % 2 == 0 then
    return wrk.format("POST", "/v1/echo", {["Content-Type"] = "application/json"},
                      '{"message":"soak","repeat":2}')
  end
  return wrk.format("GET", "/health")
end
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_200(port, deadline_s=10.0):
    """Seconds until GET /health answers 200, polling as fast as possible."""
    start = time.monotonic()
    request = b"GET /health HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n"
    while time.monotonic() - start < deadline_s:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.5) as s:
                s.sendall(request)
                if s.recv(12).startswith(b"HTTP/1.1 200"):
                    return time.monotonic() - start
        except OSError:
            time.sleep(0.0005)
    raise RuntimeError("no 200 from port %d within %.0f s" % (port, deadline_s))


def tree_pids(pid):
    """pid and all its descendants."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout
    children = {}
    for line in out.splitlines():
        p, pp = (int(x) for x in line.split())
        children.setdefault(pp, []).append(p)
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo.extend(children.get(p, []))
    return seen


def rss_kb(pid, field="VmHWM", skip=("bwrap",)):
    """Sum of a /proc status field (VmHWM: peak, VmRSS: now) over the
    process tree, bubblewrap itself excluded."""
    total = 0
    for p in tree_pids(pid):
        try:
            with open("/proc/%d/status" % p) as f:
                status = f.read()
        except OSError:
            continue
        name = re.search(r"^Name:\s*(\S+)", status, re.M)
        value = re.search(r"^%s:\s*(\d+)" % field, status, re.M)
        if value and not (name and name.group(1) in skip):
            total += int(value.group(1))
    return total


def peak_rss_kb(pid):
    return rss_kb(pid, "VmHWM")


def open_fds(pid, skip=("bwrap",)):
    """Open file descriptors over the process tree, bubblewrap excluded."""
    total = 0
    for p in tree_pids(pid):
        try:
            with open("/proc/%d/comm" % p) as f:
                if f.read().strip() in skip:
                    continue
            total += len(os.listdir("/proc/%d/fd" % p))
        except OSError:
            continue
    return total


class ConnectionSampler(threading.Thread):
    """Samples the client sockets connected to a port with `ss -ti` while
    wrk runs, and tells which connections were served.

    Per client port: whether it ever received a byte, and for how long at
    most it waited for an answer (its last send was later than its last
    receive, or it never received). The wait is a lower bound: samples are
    half a second apart."""

    def __init__(self, port, interval_s=0.5):
        super().__init__(daemon=True)
        self.port, self.interval_s = port, interval_s
        self.conns = {}  # local port -> {"received": bool, "wait_ms": int}
        self.done = threading.Event()

    def sample(self):
        out = subprocess.run(["ss", "-tinH", "state", "established", "dport", "= :%d" % self.port],
                             capture_output=True, text=True).stdout
        local = None
        for line in out.splitlines():
            if not line.startswith((" ", "\t")):
                fields = line.split()
                local = fields[2].rsplit(":", 1)[1] if len(fields) >= 4 else None
                continue
            if local is None:
                continue
            received = int((re.search(r"bytes_received:(\d+)", line) or [0, 0])[1]) > 0
            lastsnd = int((re.search(r"lastsnd:(\d+)", line) or [0, 0])[1])
            lastrcv = int((re.search(r"lastrcv:(\d+)", line) or [0, 0])[1])
            waiting = not received or lastrcv > lastsnd
            c = self.conns.setdefault(local, {"received": False, "wait_ms": 0})
            c["received"] = c["received"] or received
            if waiting:
                c["wait_ms"] = max(c["wait_ms"], lastsnd)
            local = None

    def run(self):
        while not self.done.wait(self.interval_s):
            self.sample()

    def stop(self):
        self.done.set()
        self.join()

    def summary(self):
        starved = [c for c in self.conns.values() if not c["received"] and c["wait_ms"] >= STARVED_AFTER_MS]
        return {"conns_seen": len(self.conns),
                "conns_served": sum(1 for c in self.conns.values() if c["received"]),
                "conns_starved": len(starved),
                "max_wait_ms": max([c["wait_ms"] for c in self.conns.values()] or [0])}


class Server:
    def __init__(self, name, argv, port, env=None, cwd=None):
        self.name, self.argv, self.port, self.env, self.cwd = name, argv, port, env, cwd
        self.proc = None
        self.cold_start_ms = None

    def start(self):
        started = time.monotonic()
        self.proc = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        first_200(self.port)
        self.cold_start_ms = (time.monotonic() - started) * 1000

    def stop(self):
        if self.proc and self.proc.poll() is None:
            for p in reversed(tree_pids(self.proc.pid)[1:]):
                try:
                    os.kill(p, 15)
                except OSError:
                    pass
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def api_server(rootfs, port, name="api"):
    argv = ["bwrap", "--ro-bind", rootfs, "/", "--proc", "/proc", "--dev", "/dev",
            "--unshare-all", "--share-net", "--as-pid-1", "--uid", "65532", "--gid", "65532",
            "--clearenv", "--setenv", "PORT", str(port), "--setenv", "APP_ENV", "bench",
            "--setenv", "APP_VERSION", "bench", "/app/api"]
    return Server(name, argv, port)


def go_server(port):
    env = {"PORT": str(port), "APP_ENV": "bench", "APP_VERSION": "bench"}
    return Server("go", [PEER_GO], port, env=env)


def fastapi_server(port):
    env = {"PATH": "/usr/bin:/bin", "APP_ENV": "bench", "APP_VERSION": "bench"}
    argv = ["/usr/bin/python3", "-m", "uvicorn", "app:app", "--host", "127.0.0.1",
            "--port", str(port), "--workers", "1", "--no-access-log", "--log-level", "warning"]
    return Server("fastapi", argv, port, env=env, cwd=os.path.join(ROOT, "tools", "bench", "reference"))


def nginx_server(port, workdir):
    conf = os.path.join(workdir, "nginx.conf")
    with open(conf, "w") as f:
        f.write("""worker_processes 1;
daemon off;
pid %(d)s/nginx.pid;
error_log %(d)s/error.log warn;
worker_rlimit_nofile 8192;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:%(port)d;
    location = /health { default_type application/json; return 200 '%(body)s'; }
  location = /v1/echo { default_type application/json; return 200 '{"message":"slow"}'; }
  }
}
""" % {"d": workdir, "port": port, "body": HEALTH_BODY})
    return Server("nginx", ["nginx", "-p", workdir, "-c", conf], port)


def parse_wrk(text):
    def latency_ms(label):
        m = re.search(r"^\s*%s\s+([\d.]+)(us|ms|s)\s*$" % label, text, re.M)
        if not m:
            return None
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    rps = re.search(r"Requests/sec:\s*([\d.]+)", text)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = (sum(int(x) for x in socket_errors.groups()) if socket_errors else 0) + \
        (int(non2xx.group(1)) if non2xx else 0)
    percentiles = {m.group(1): int(m.group(2)) / 1000.0
                   for m in re.finditer(r"^percentile (\S+) (\d+)$", text, re.M)}
    return {"rps": float(rps.group(1)) if rps else 0.0, "p50_ms": latency_ms("50%"),
            "p99_ms": latency_ms("99%"), "errors": errors, "percentiles_ms": percentiles}


_percentile_script = []


def percentile_script():
    """The Lua file with PERCENTILE_SCRIPT, written once per process."""
    if not _percentile_script:
        os.makedirs(STATE, exist_ok=True)
        fd, path = tempfile.mkstemp(dir=STATE, prefix="percentiles.", suffix=".lua")
        with os.fdopen(fd, "w") as f:
            f.write(PERCENTILE_SCRIPT)
        _percentile_script.append(path)
    return _percentile_script[0]


def wrk(port, connections, seconds, threads=2, prefix=(), script=None, sample=False):
    """prefix: a command wrk runs under (tools/bench/profile_api.py pins it
    with taskset); script: a wrk Lua script; sample: count served and
    starved connections with ConnectionSampler."""
    argv = list(prefix) + ["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds, "--latency"]
    argv += ["-s", script or percentile_script()]
    sampler = ConnectionSampler(port) if sample else None
    if sampler:
        sampler.start()
    try:
        out = subprocess.run(argv + ["http://127.0.0.1:%d/health" % port],
                             capture_output=True, text=True, check=True).stdout
    finally:
        if sampler:
            sampler.stop()
    result = parse_wrk(out)
    if sampler:
        result.update(sampler.summary())
    return result


def raise_fd_limit():
    """c1024 needs more descriptors than a default soft limit of 1024, for
    wrk and for every server (they inherit it), as on Fargate (65535)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def unpack_layout(layout, workdir, name):
    """Unpacks an OCI image layout into workdir/<name>-rootfs for bwrap."""
    policy = os.path.join(workdir, "policy.json")
    with open(policy, "w") as f:
        f.write('{"default":[{"type":"insecureAcceptAnything"}]}')
    tagged = os.path.join(workdir, name + "-layout")
    rootfs = os.path.join(workdir, name + "-rootfs")
    subprocess.run(["skopeo", "--policy", policy, "copy", "--quiet", "oci:" + layout, "oci:%s:bench" % tagged],
                   check=True)
    subprocess.run(["umoci", "raw", "unpack", "--image", tagged + ":bench", rootfs], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.mkdir(os.path.join(rootfs, "proc"))
    os.mkdir(os.path.join(rootfs, "dev"))
    return rootfs


def unpack_image(workdir):
    subprocess.run(["bazel", "build", "--noshow_progress", "//services/api:image"], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rootfs = unpack_layout(os.path.join(ROOT, "bazel-bin", "services", "api", "image"), workdir, "api")
    size = json.load(open(os.path.join(ROOT, "bazel-bin", "services", "api", "image.report.json")))
    return rootfs, size["compressed_size"]


def fastapi_footprint_kb():
    """Installed size of the reference's Debian packages and their Python deps."""
    packages = ["python3-fastapi", "python3-uvicorn", "python3-starlette", "python3-pydantic",
                "python3-h11", "python3-anyio", "python3-click", "python3-sniffio", "python3-idna",
                "python3-typing-extensions", "python3.11-minimal", "libpython3.11-stdlib"]
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Installed-Size}\n"] + packages,
                         capture_output=True, text=True).stdout
    return sum(int(x) for x in out.split() if x.isdigit())


def ratio(a, b):
    return a / b if b else 0.0


def round_ratios(connections, rnd, by_server):
    """api against each peer in one round; p99_lower_than_go as the target asks."""
    api = by_server["api"]
    r = {"connections": connections, "round": rnd}
    for peer in ("go", "fastapi", "nginx", "api-base"):
        if peer in by_server:
            r["api_over_" + peer.replace("-", "_")] = ratio(api["rps"], by_server[peer]["rps"])
    if "go" in by_server:
        r["api_p99_below_go"] = (api["p99_ms"] or 0) < (by_server["go"]["p99_ms"] or 0)
    return r


def verdicts(result):
    """Each target, met or not, per round of the same run."""
    out = []
    by = {}
    for run in result["runs"]:
        by.setdefault((run["connections"], run["round"]), {})[run["server"]] = run
    for r in result["ratios"]:
        c, rnd = r["connections"], r["round"]
        tag = "c%d round %d" % (c, rnd)
        if c in (64, 256) and "api_over_go" in r:
            ok = r["api_over_go"] >= 1.3 and r["api_p99_below_go"]
            out.append("%s: api/go %.2fx, p99 %s go's: %s" % (
                tag, r["api_over_go"], "below" if r["api_p99_below_go"] else "NOT below", "met" if ok else "NOT met"))
        if "api_over_fastapi" in r:
            out.append("%s: api/fastapi %.1fx: %s" % (tag, r["api_over_fastapi"],
                                                     "met" if r["api_over_fastapi"] >= 10 else "NOT met"))
        if "api_over_nginx" in r:
            out.append("%s: api/nginx %.2fx: %s" % (tag, r["api_over_nginx"],
                                                   "met" if r["api_over_nginx"] >= 0.6 else "NOT met"))
        if c == 64 and "api_over_api_base" in r:
            out.append("%s: api/api-base %.3fx (>= 0.95): %s" % (
                tag, r["api_over_api_base"], "met" if r["api_over_api_base"] >= 0.95 else "NOT met"))
        api = by[(c, rnd)]["api"]
        if "conns_starved" in api:
            out.append("%s: api served %d of %d connections, %d starved: %s" % (
                tag, api["conns_served"], api["conns_seen"], api["conns_starved"],
                "met" if api["conns_starved"] == 0 else "NOT met"))
        if c == 64:
            out.append("%s: api p99 %.2f ms (<= 1): %s" % (tag, api["p99_ms"] or 0,
                                                          "met" if (api["p99_ms"] or 0) <= 1 else "NOT met"))
        if c == 1024:
            mb = api["peak_rss_kb"] / 1024
            out.append("%s: api peak RSS %.1f MB (<= 16): %s" % (tag, mb, "met" if mb <= 16 else "NOT met"))
    if "api" in result["cold_start_ms"]:
        ms = result["cold_start_ms"]["api"]
        out.append("api cold start %.1f ms (<= 20): %s" % (ms, "met" if ms <= 20 else "NOT met"))
    return out


def slow_markdown(result):
    """The slow-client scenario's table."""
    lines = ["## Slow clients beside a /health poller", "",
             "A request a byte every %d ms per slow connection; /health polled every %d ms on a new connection; "
             "failed = not answered 200 within %.0f s." % (
                 slow_clients.BYTE_EVERY_S * 1000, slow_clients.POLL_EVERY_S * 1000, slow_clients.POLL_TIMEOUT_S),
             "", "| trickle | slow clients | server | polls | failed | worst ms | p99 ms | p50 ms |",
             "|---|---|---|---|---|---|---|---|"]
    for r in result["slow"]:
        lines.append("| %s | %d | %s | %d | %s | %s | %s | %s |" % (
            r["kind"], r["clients"], r["server"], r["polls"], "**%d**" % r["failed"] if r["failed"] else "0",
            *("%.1f" % r[k] if r[k] is not None else "-" for k in ("worst_ms", "p99_ms", "p50_ms"))))
    return lines


def markdown(result, svg_name=None):
    lines = []
    if svg_name:
        lines += ["![Latency percentiles per server and concurrency](%s)" % svg_name, "",
                  "Latency percentiles, p50 to p99.9, per server and concurrency (log scale): [%s](%s)." % (
                      svg_name, svg_name), ""]
    if not result["runs"]:
        return "\n".join(lines + slow_markdown(result))
    lines += ["| conc | round | server | req/s | p50 ms | p99 ms | p99.9 ms | errors | conns served | starved | "
              "max wait s | peak RSS MB |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for run in result["runs"]:
        starved = run.get("conns_starved", 0)
        lines.append("| c%d | %d | %s | %.0f | %.2f | %.2f | %.2f | %d | %d/%d | %s | %.1f | %.1f |" % (
            run["connections"], run["round"], run["server"], run["rps"], run["p50_ms"] or 0,
            run["p99_ms"] or 0, run.get("percentiles_ms", {}).get("99.9", 0), run["errors"], run.get("conns_served", 0), run.get("conns_seen", 0),
            "**%d FAIL**" % starved if starved else "0", run.get("max_wait_ms", 0) / 1000,
            run["peak_rss_kb"] / 1024))
    peers = [p for p in ("go", "fastapi", "nginx", "api-base") if any(
        "api_over_" + p.replace("-", "_") in r for r in result["ratios"])]
    lines += ["", "| conc | round | " + " | ".join("api/" + p for p in peers) + " | api p99 < go p99 |",
              "|---|---|" + "---|" * (len(peers) + 1)]
    for r in result["ratios"]:
        cells = ["%.2fx" % r["api_over_" + p.replace("-", "_")] for p in peers]
        lines.append("| c%d | %d | %s | %s |" % (r["connections"], r["round"], " | ".join(cells),
                                                 "yes" if r.get("api_p99_below_go") else "no"))
    lines += ["", "| server | cold start to first 200 |", "|---|---|"]
    for name, ms in result["cold_start_ms"].items():
        lines.append("| %s | %.1f ms |" % (name, ms))
    lines += ["", "Image (compressed): %.2f MB. FastAPI reference install footprint (Debian packages): %.1f MB." % (
        result["image_compressed_bytes"] / 1e6, result["fastapi_footprint_kb"] / 1024),
        "", "Targets (not tests): " + TARGETS, ""]
    lines += ["- " + v for v in verdicts(result)]
    if result.get("slow"):
        lines += [""] + slow_markdown(result)
    return "\n".join(lines)


def write_result(result, stem, title, table, svg=None):
    """stem.json, stem.md and, with svg, stem-latency.svg (the table links it)."""
    if svg:
        with open(stem + "-latency.svg", "w") as f:
            f.write(svg)
    with open(stem + ".json", "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    with open(stem + ".md", "w") as f:
        f.write("# %s\n\n%s\n" % (title, table))
    print("\n" + table)
    print("\nwrote %s.json and %s.md" % (stem, stem))


def check_tools():
    for tool, package in (("wrk", "wrk"), ("nginx", "nginx"), ("bwrap", "bubblewrap"), ("skopeo", "skopeo"),
                          ("umoci", "umoci"), ("bazel", "bazel-bootstrap"), ("ss", "iproute2")):
        if not shutil.which(tool):
            sys.exit("bench: %s not found: apt-get install %s (tools/dev bootstrap installs it)" % (tool, package))
    if subprocess.run(["/usr/bin/python3", "-c", "import fastapi, uvicorn"], capture_output=True).returncode:
        sys.exit("bench: Debian's python3-fastapi and python3-uvicorn are needed (tools/dev bootstrap installs them)")
    if not os.access(PEER_GO, os.X_OK):
        sys.exit("bench: %s not found: run tools/bootstrap (it runs tools/bench/build-peer-go)" % PEER_GO)


def soak(args, workdir, rootfs):
    """The api alone under mixed load: RSS and descriptors after the warm-up
    against the end."""
    script = os.path.join(workdir, "soak.lua")
    with open(script, "w") as f:
        f.write(SOAK_SCRIPT + PERCENTILE_SCRIPT)
    server = api_server(rootfs, free_port())
    server.start()
    try:
        wrk(server.port, args.soak_connections, 10, script=script)  # warm-up
        time.sleep(1)
        before = {"rss_kb": rss_kb(server.proc.pid, "VmRSS"), "fds": open_fds(server.proc.pid)}
        print("==> soak: after warm-up RSS %.1f MB, %d fds; %d s at c%d" % (
            before["rss_kb"] / 1024, before["fds"], args.soak_seconds, args.soak_connections), flush=True)
        run = wrk(server.port, args.soak_connections, args.soak_seconds, script=script, sample=True)
        time.sleep(1)
        after = {"rss_kb": rss_kb(server.proc.pid, "VmRSS"), "fds": open_fds(server.proc.pid)}
    finally:
        server.stop()
    growth = {k: ratio(after[k] - before[k], before[k]) for k in before}
    result = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "seconds": args.soak_seconds, "connections": args.soak_connections, "load": "GET /health and "
              "POST /v1/echo alternating", "after_warmup": before, "at_end": after, "growth": growth, "run": run}
    lines = ["| | after warm-up | at end | change | within 5% |", "|---|---|---|---|---|"]
    for key, label, scale in (("rss_kb", "RSS MB", 1024.0), ("fds", "open fds", 1.0)):
        lines.append("| %s | %.1f | %.1f | %+.1f%% | %s |" % (label, before[key] / scale, after[key] / scale,
                                                          growth[key] * 100, "yes" if abs(growth[key]) <= 0.05
                                                          else "**no**"))
    lines += ["", "Load: %.0f req/s, p99 %.2f ms, %d errors (non-2xx included), %d/%d connections served, %d starved." % (
        run["rps"], run["p99_ms"] or 0, run["errors"], run["conns_served"], run["conns_seen"],
        run["conns_starved"])]
    out_dir = os.path.join(ROOT, "bench", "results")
    os.makedirs(out_dir, exist_ok=True)
    write_result(result, os.path.join(out_dir, result["date"][:10] + "-soak"),
                 "Soak %s\n\n`tools/dev bench --soak`: the api alone, %d s at c%d, GET /health and POST /v1/echo "
                 "alternating, wrk -t2." % (result["date"], args.soak_seconds, args.soak_connections),
                 "\n".join(lines))



def portable_path(path):
    """PATH as a reader elsewhere can follow it: under $HOME as "~/...", else
    as given (the results are committed; a machine's home path is not)."""
    if not path:
        return path
    home = os.path.expanduser("~")
    full = os.path.abspath(path)
    return "~" + full[len(home):] if home != "/" and full.startswith(home + os.sep) else path

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run (default 5)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over all servers per concurrency (default 2)")
    parser.add_argument("--connections", default="8,64,256,1024",
                        help="concurrencies (default 8,64,256,1024; API_THREADS is 64)")
    parser.add_argument("--baseline", metavar="LAYOUT",
                        help="OCI image layout of an earlier //services/api:image, run as api-base")
    parser.add_argument("--soak", action="store_true", help="run the soak instead (api only)")
    parser.add_argument("--soak-seconds", type=int, default=120, help="soak length (default 120)")
    parser.add_argument("--soak-connections", type=int, default=256, help="soak concurrency (default 256)")
    parser.add_argument("--slow-clients", default="100,1000",
                        help="slow-client counts for the slow-client scenario (default 100,1000; 0 skips it)")
    parser.add_argument("--slow-kinds", default="header,body", help="what trickles (default header,body)")
    parser.add_argument("--slow-seconds", type=int, default=10, help="poller time per slow run (default 10)")
    parser.add_argument("--slow-only", action="store_true", help="only the slow-client scenario (api, api-base, go, nginx)")
    args = parser.parse_args()
    check_tools()
    raise_fd_limit()

    os.makedirs(STATE, exist_ok=True)
    workdir = tempfile.mkdtemp(dir=STATE)
    print("==> build and unpack //services/api:image", flush=True)
    try:
        rootfs, image_bytes = unpack_image(workdir)
        if args.soak:
            soak(args, workdir, rootfs)
            return
        servers = [api_server(rootfs, free_port())]
        if args.baseline:
            servers.append(api_server(unpack_layout(os.path.abspath(args.baseline), workdir, "base"), free_port(),
                                      "api-base"))
        servers += [go_server(free_port())]
        if not args.slow_only:
            servers.append(fastapi_server(free_port()))
        servers.append(nginx_server(free_port(), workdir))
        result = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                  "machine": {"cpus": os.cpu_count()}, "seconds": args.seconds, "targets": TARGETS,
                  "baseline": portable_path(args.baseline), "image_compressed_bytes": image_bytes,
                  "fastapi_footprint_kb": fastapi_footprint_kb(), "cold_start_ms": {}, "runs": [], "ratios": [],
                  "slow": []}
        run_all(args, servers, result)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    out_dir = os.path.join(ROOT, "bench", "results")
    os.makedirs(out_dir, exist_ok=True)
    stem = os.path.join(out_dir, result["date"][:10])
    svg = latency_svg.latency_svg(result) if result["runs"] else None
    write_result(result, stem,
                 "Benchmark %s\n\n`tools/dev bench` on %d CPUs, wrk -t2, %d s per run." % (
                     result["date"], os.cpu_count(), args.seconds),
                 markdown(result, os.path.basename(stem) + "-latency.svg" if svg else None), svg)


def run_all(args, servers, result):
    try:
        for s in servers:
            s.start()
            result["cold_start_ms"][s.name] = s.cold_start_ms
            print("==> %s up on :%d, cold start %.1f ms" % (s.name, s.port, s.cold_start_ms), flush=True)
            wrk(s.port, 64, 2)  # warm-up
        for connections in ([] if args.slow_only else (int(c) for c in args.connections.split(","))):
            for rnd in range(1, args.rounds + 1):
                by_server = {}
                for s in servers:
                    run = wrk(s.port, connections, args.seconds, sample=True)
                    run.update(server=s.name, connections=connections, round=rnd,
                               peak_rss_kb=peak_rss_kb(s.proc.pid))
                    result["runs"].append(run)
                    by_server[s.name] = run
                    print("    c%-4d round %d  %-8s %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  errors %d  "
                          "served %d/%d  starved %d%s" % (
                              connections, rnd, s.name, run["rps"], run["p50_ms"] or 0, run["p99_ms"] or 0,
                              run["errors"], run["conns_served"], run["conns_seen"], run["conns_starved"],
                              "  FAIL" if run["conns_starved"] else ""), flush=True)
                result["ratios"].append(round_ratios(connections, rnd, by_server))
        run_slow(args, [s for s in servers if s.name in ("api", "api-base", "go", "nginx")], result)
    finally:
        for s in servers:
            s.stop()


def run_slow(args, servers, result):
    """The slow-client scenario, each server in turn for each count and kind."""
    counts = [int(c) for c in args.slow_clients.split(",") if int(c) > 0]
    for clients in counts:
        for kind in args.slow_kinds.split(","):
            for s in servers:
                r = slow_clients.run(s.port, kind, clients, args.slow_seconds)
                r["server"] = s.name
                result["slow"].append(r)
                print("    slow %-6s x%-5d %-6s polls %3d  failed %3d  worst %s ms  p99 %s ms" % (
                    kind, clients, s.name, r["polls"], r["failed"],
                    *("%.1f" % r[k] if r[k] is not None else "-" for k in ("worst_ms", "p99_ms"))), flush=True)


if __name__ == "__main__":
    main()
