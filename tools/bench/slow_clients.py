"""Slow clients beside a health check, for tools/bench/bench.py.

N connections send their requests one byte at a time (the head of a GET
/health, or the body of a POST /v1/echo after its head), a byte per
connection every BYTE_EVERY_S, spread evenly over that interval, and start
again when a request is all sent. Meanwhile /health is polled every
POLL_EVERY_S on a new connection each time, as the NLB and ECS do; a poll
not answered 200 within POLL_TIMEOUT_S has failed. Reported: the poller's
worst and p99 latency and its failed polls. Loopback only, stdlib only.
"""

import math
import select
import socket
import threading
import time

BYTE_EVERY_S = 0.25   # 34-byte head: 8.5 s, inside every server's header timeout
POLL_EVERY_S = 0.1
POLL_TIMEOUT_S = 2.0
HEAD = b"GET /health HTTP/1.1\r\nHost: b\r\n\r\n"
BODY = b'{"message":"slow"}'
BODY_HEAD = (b"POST /v1/echo HTTP/1.1\r\nHost: b\r\nContent-Type: application/json\r\n"
             b"Content-Length: %d\r\n\r\n" % len(BODY))
KINDS = {"header": (b"", HEAD), "body": (BODY_HEAD, BODY)}


class Trickler:
    """One slow connection: `fast` at once, then `slow` a byte per call of
    step(); answers are read and dropped; a closed connection reconnects."""

    def __init__(self, port, fast, slow):
        self.port, self.fast, self.slow = port, fast, slow
        self.sock, self.pos = None, 0

    def connect(self):
        self.close()
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.pos = 0
        if self.fast:
            self.sock.sendall(self.fast)

    def step(self):
        try:
            if self.sock is None:
                self.connect()
            self.drain()
            if self.pos == len(self.slow):
                self.pos = 0
                if self.fast:
                    self.sock.send(self.fast)
            self.sock.send(self.slow[self.pos:self.pos + 1])
            self.pos += 1
        except OSError:
            self.close()

    def drain(self):
        while select.select([self.sock], [], [], 0)[0]:
            if not self.sock.recv(65536):
                raise OSError("closed by the server")

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.sock = None


def trickle(conns, stop):
    """Steps each connection once per BYTE_EVERY_S, spread over it."""
    gap = BYTE_EVERY_S / max(len(conns), 1)
    next_at = time.monotonic()
    while not stop.is_set():
        for c in conns:
            next_at += gap
            delay = next_at - time.monotonic()
            if delay > 0 and stop.wait(delay):
                return
            c.step()


def poll_once(port):
    """Latency in ms of one GET /health on a new connection; None when it
    failed (refused, not 200, or not answered within POLL_TIMEOUT_S)."""
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=POLL_TIMEOUT_S) as s:
            s.settimeout(POLL_TIMEOUT_S)
            s.sendall(b"GET /health HTTP/1.1\r\nHost: poller\r\nConnection: close\r\n\r\n")
            head = b""
            while b"\r\n" not in head:
                chunk = s.recv(4096)
                if not chunk:
                    return None
                head += chunk
                if time.monotonic() - started > POLL_TIMEOUT_S:
                    return None
    except OSError:
        return None
    if not head.startswith(b"HTTP/1.1 200"):
        return None
    return (time.monotonic() - started) * 1000


def percentile(values, p):
    """Nearest rank: of 100 polls, p99 is the second worst."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * p / 100.0) - 1)]


def run(port, kind, clients, seconds):
    """The scenario against one server; returns the poller's summary."""
    fast, slow = KINDS[kind]
    conns = [Trickler(port, fast, slow) for _ in range(clients)]
    for c in conns:
        try:
            c.connect()
        except OSError:
            c.close()
    stop = threading.Event()
    thread = threading.Thread(target=trickle, args=(conns, stop), daemon=True)
    thread.start()
    time.sleep(1.0)  # every slow client has begun a request
    latencies, failed = [], 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ms = poll_once(port)
        if ms is None:
            failed += 1
        else:
            latencies.append(ms)
        time.sleep(POLL_EVERY_S)
    stop.set()
    thread.join()
    connected = sum(1 for c in conns if c.sock is not None)
    for c in conns:
        c.close()
    return {"kind": kind, "clients": clients, "seconds": seconds, "polls": len(latencies) + failed,
            "failed": failed, "worst_ms": max(latencies) if latencies else None,
            "p99_ms": percentile(latencies, 99), "p50_ms": percentile(latencies, 50),
            "clients_connected_at_end": connected, "latencies_ms": [round(v, 2) for v in latencies]}
