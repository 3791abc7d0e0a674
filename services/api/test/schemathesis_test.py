"""schemathesis against the real service binary and its own /openapi.json.

Starts //services/api:api on a free loopback port, reads the document the
service serves, and runs schemathesis with every check: no 5xx, responses
match their schemas and headers, only documented status codes and content
types, invalid requests rejected, valid ones accepted, undeclared methods
answered 405. Afterwards the service must still answer /health and stop
cleanly on SIGTERM.

The document is the one users read, less what API Gateway answers before a
request reaches the binary: the x-api-key security and the gateway's 403
and 429 responses. With them, schemathesis's auth checks would test the
gateway, not this binary. They are removed here, and only here; the key
contract itself (403 without a key or with a wrong one, 200 with it, 429
past the limit) is checked through the rehearsal's gateway by
tools/rehearsal/check.

Writes schemathesis's JUnit report to $XML_OUTPUT_FILE (one case per API
operation) for tools/dev test's count.

Usage: schemathesis_test.py API_BINARY SCHEMATHESIS [--max-examples N]
Environment: SCHEMATHESIS_SEED (default fixed, so a failure reproduces).
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

DEFAULT_SEED = "20261201"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.status, r.read()


def wait_healthy(base, proc, deadline_s=10):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit("the service exited with %d before it was healthy" % proc.returncode)
        try:
            if get(base + "/health")[0] == 200:
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the service did not answer /health within %d s" % deadline_s)


def service_side(document):
    """The document without the gateway's part (see above)."""
    doc = json.loads(document)
    doc.get("components", {}).pop("securitySchemes", None)
    doc.pop("security", None)
    for operations in doc["paths"].values():
        for op in operations.values():
            op.pop("security", None)
            for gateway_status in ("403", "429"):
                op.get("responses", {}).pop(gateway_status, None)
    return doc


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("api")
    parser.add_argument("schemathesis")
    parser.add_argument("--max-examples", type=int, default=100)
    args = parser.parse_args()
    # Runfiles paths are relative; schemathesis runs in a scratch directory
    # (it writes its own files there).
    args.api, args.schemathesis = os.path.abspath(args.api), os.path.abspath(args.schemathesis)

    port = free_port()
    base = "http://127.0.0.1:%d" % port
    work = tempfile.mkdtemp(prefix="schemathesis.", dir=os.environ.get("TEST_TMPDIR"))
    log_path = os.path.join(work, "api.log")
    env = {"PORT": str(port), "APP_ENV": "test", "APP_VERSION": "schemathesis",
           "IMAGE_DIGEST": "sha256:" + "0" * 64, "API_THREADS": "16"}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([args.api], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_healthy(base, proc)
        status, document = get(base + "/openapi.json")
        if status != 200:
            raise SystemExit("/openapi.json answered %d" % status)
        spec = os.path.join(work, "openapi.service.json")
        with open(spec, "w") as f:
            json.dump(service_side(document), f)

        command = [args.schemathesis, "run", spec, "--url", base, "--checks", "all",
                   "--max-examples", str(args.max_examples),
                   "--seed", os.environ.get("SCHEMATHESIS_SEED", DEFAULT_SEED),
                   "--workers", "1", "--no-color", "--request-timeout", "5",
                   "--generation-database", "none"]
        if os.environ.get("XML_OUTPUT_FILE"):
            command += ["--report", "junit", "--report-junit-path", os.environ["XML_OUTPUT_FILE"]]
        print("+ " + " ".join(command), flush=True)
        result = subprocess.run(command, cwd=work)

        if proc.poll() is not None:
            raise SystemExit("the service died during the run (exit %d); log: %s" % (proc.returncode, log_path))
        if get(base + "/health")[0] != 200:
            raise SystemExit("/health is not 200 after the run")
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=15)
        if code != 0:
            raise SystemExit("the service exited %d on SIGTERM after the run" % code)
        if result.returncode != 0:
            print("schemathesis failed (exit %d); the service's log is %s" % (result.returncode, log_path))
        return result.returncode
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        with open(log_path, "rb") as log:
            lines = log.read().splitlines()
        crashes = [l for l in lines if b"Sanitizer" in l or b"runtime error" in l]
        if crashes:
            sys.stdout.write("the service reported:\n%s\n" % b"\n".join(crashes[:20]).decode(errors="replace"))
            sys.exit(1)


if __name__ == "__main__":
    sys.exit(main())
