#!/usr/bin/python3
"""tools/dev bench: our service against FastAPI and nginx, on one machine.

Three servers on loopback, measured in one run with the same load:
  api      //services/api:image, run from its own rootfs under bubblewrap,
           as `tools/dev up` runs it
  fastapi  tools/bench/reference/app.py under uvicorn, 1 worker, Debian's
           python3-fastapi and python3-uvicorn (asyncio + h11)
  nginx    `return 200` with the same /health body: the ceiling for an
           HTTP/1.1 server here

For each concurrency, rounds alternate the servers (A B C A B C) so drift
shows; each run is wrk with fixed threads and connections after a warm-up.
Reported per run: requests/s, p50/p99 latency, errors, the server's peak RSS;
per server: cold start to the first 200; per round: the ratios api/fastapi
and api/nginx. Results go to bench/results/<date>.json and a Markdown table.
Targets are printed beside the numbers; nothing here passes or fails on
speed.
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
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STATE = os.path.join(ROOT, ".state", "bench")
HEALTH_BODY = '{"status":"ok","environment":"bench","stage":"","version":"bench","image_digest":""}'
TARGETS = "api >= 10x fastapi and >= 0.6x nginx req/s; p99 <= 1 ms at c64; RSS <= 16 MB; cold start <= 20 ms"


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


def peak_rss_kb(pid, skip=("bwrap",)):
    """Sum of VmHWM over the process tree (bubblewrap itself excluded)."""
    total = 0
    for p in tree_pids(pid):
        try:
            with open("/proc/%d/status" % p) as f:
                status = f.read()
        except OSError:
            continue
        name = re.search(r"^Name:\s*(\S+)", status, re.M)
        hwm = re.search(r"^VmHWM:\s*(\d+)", status, re.M)
        if hwm and not (name and name.group(1) in skip):
            total += int(hwm.group(1))
    return total


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


def api_server(rootfs, port):
    argv = ["bwrap", "--ro-bind", rootfs, "/", "--proc", "/proc", "--dev", "/dev",
            "--unshare-all", "--share-net", "--as-pid-1", "--uid", "65532", "--gid", "65532",
            "--clearenv", "--setenv", "PORT", str(port), "--setenv", "APP_ENV", "bench",
            "--setenv", "APP_VERSION", "bench", "--setenv", "API_THREADS", "128", "/app/api"]
    return Server("api", argv, port)


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
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:%(port)d;
    location = /health { default_type application/json; return 200 '%(body)s'; }
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
    return {"rps": float(rps.group(1)) if rps else 0.0, "p50_ms": latency_ms("50%"),
            "p99_ms": latency_ms("99%"), "errors": errors}


def wrk(port, connections, seconds, threads=2, prefix=()):
    """prefix: a command wrk runs under (tools/bench/profile_api.py pins it with taskset)."""
    out = subprocess.run(list(prefix) + ["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds,
                          "--latency", "http://127.0.0.1:%d/health" % port],
                         capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def unpack_image(workdir):
    subprocess.run(["bazel", "build", "--noshow_progress", "//services/api:image"], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    layout = os.path.join(ROOT, "bazel-bin", "services", "api", "image")
    policy = os.path.join(workdir, "policy.json")
    with open(policy, "w") as f:
        f.write('{"default":[{"type":"insecureAcceptAnything"}]}')
    tagged = os.path.join(workdir, "layout")
    rootfs = os.path.join(workdir, "rootfs")
    subprocess.run(["skopeo", "--policy", policy, "copy", "--quiet", "oci:" + layout, "oci:%s:bench" % tagged],
                   check=True)
    subprocess.run(["umoci", "raw", "unpack", "--image", tagged + ":bench", rootfs], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.mkdir(os.path.join(rootfs, "proc"))
    os.mkdir(os.path.join(rootfs, "dev"))
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


def markdown(result):
    lines = ["| conc | round | server | req/s | p50 ms | p99 ms | errors | peak RSS MB |",
             "|---|---|---|---|---|---|---|---|"]
    for run in result["runs"]:
        lines.append("| c%d | %d | %s | %.0f | %.2f | %.2f | %d | %.1f |" % (
            run["connections"], run["round"], run["server"], run["rps"], run["p50_ms"] or 0,
            run["p99_ms"] or 0, run["errors"], run["peak_rss_kb"] / 1024))
    lines += ["", "| conc | round | api/fastapi | api/nginx |", "|---|---|---|---|"]
    for r in result["ratios"]:
        lines.append("| c%d | %d | %.1fx | %.2fx |" % (r["connections"], r["round"], r["api_over_fastapi"],
                                                    r["api_over_nginx"]))
    lines += ["", "| server | cold start to first 200 |", "|---|---|"]
    for name, ms in result["cold_start_ms"].items():
        lines.append("| %s | %.1f ms |" % (name, ms))
    lines += ["", "Image (compressed): %.2f MB. FastAPI reference install footprint (Debian packages): %.1f MB." % (
        result["image_compressed_bytes"] / 1e6, result["fastapi_footprint_kb"] / 1024),
        "", "Targets (not tests): " + TARGETS]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run (default 5)")
    parser.add_argument("--rounds", type=int, default=2, help="A B C rounds per concurrency (default 2)")
    parser.add_argument("--connections", default="8,64", help="concurrencies (default 8,64)")
    args = parser.parse_args()
    for tool, package in (("wrk", "wrk"), ("nginx", "nginx"), ("bwrap", "bubblewrap"), ("skopeo", "skopeo"),
                          ("umoci", "umoci"), ("bazel", "bazel-bootstrap")):
        if not shutil.which(tool):
            sys.exit("bench: %s not found: apt-get install %s (tools/dev bootstrap installs it)" % (tool, package))
    if subprocess.run(["/usr/bin/python3", "-c", "import fastapi, uvicorn"], capture_output=True).returncode:
        sys.exit("bench: Debian's python3-fastapi and python3-uvicorn are needed (tools/dev bootstrap installs them)")

    os.makedirs(STATE, exist_ok=True)
    workdir = tempfile.mkdtemp(dir=STATE)
    print("==> build and unpack //services/api:image", flush=True)
    rootfs, image_bytes = unpack_image(workdir)
    servers = [api_server(rootfs, free_port()), fastapi_server(free_port()), nginx_server(free_port(), workdir)]
    result = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "machine": {"cpus": os.cpu_count()}, "seconds": args.seconds, "targets": TARGETS,
              "image_compressed_bytes": image_bytes, "fastapi_footprint_kb": fastapi_footprint_kb(),
              "cold_start_ms": {}, "runs": [], "ratios": []}
    try:
        for s in servers:
            s.start()
            result["cold_start_ms"][s.name] = s.cold_start_ms
            print("==> %s up on :%d, cold start %.1f ms" % (s.name, s.port, s.cold_start_ms), flush=True)
            wrk(s.port, 64, 2)  # warm-up
        for connections in (int(c) for c in args.connections.split(",")):
            for rnd in range(1, args.rounds + 1):
                by_server = {}
                for s in servers:
                    run = wrk(s.port, connections, args.seconds)
                    run.update(server=s.name, connections=connections, round=rnd,
                               peak_rss_kb=peak_rss_kb(s.proc.pid))
                    result["runs"].append(run)
                    by_server[s.name] = run
                    print("    c%-3d round %d  %-8s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d" % (
                        connections, rnd, s.name, run["rps"], run["p50_ms"] or 0, run["p99_ms"] or 0,
                        run["errors"]), flush=True)
                result["ratios"].append({
                    "connections": connections, "round": rnd,
                    "api_over_fastapi": by_server["api"]["rps"] / max(by_server["fastapi"]["rps"], 1),
                    "api_over_nginx": by_server["api"]["rps"] / max(by_server["nginx"]["rps"], 1)})
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    out_dir = os.path.join(ROOT, "bench", "results")
    os.makedirs(out_dir, exist_ok=True)
    stem = os.path.join(out_dir, result["date"][:10])
    with open(stem + ".json", "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    table = markdown(result)
    with open(stem + ".md", "w") as f:
        f.write("# Benchmark %s\n\n`tools/dev bench` on %d CPUs, wrk -t2, %d s per run.\n\n%s\n" % (
            result["date"], os.cpu_count(), args.seconds, table))
    print("\n" + table)
    print("\nwrote %s.json and %s.md" % (stem, stem))


if __name__ == "__main__":
    main()
