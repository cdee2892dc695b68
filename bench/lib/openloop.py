"""Open-loop (fixed arrival rate) HTTP load, wrk2-style, on raw asyncio sockets.

Request ``i`` is due at ``start + i / rate`` whatever happened to the earlier ones, and its latency is
measured from that due time, not from when a connection became free: a slow server is charged for the
queue it causes (no coordinated omission). Keep-alive connections are reused; a new one is opened
when every open connection is busy, up to ``--max-connections``. Bounded: ``rate * duration``
requests at most and a hard deadline of ``duration + timeout`` seconds.

Run as a script (the harness pins it to its own CPU with ``taskset``); it prints one JSON line.
Debian has ``wrk`` but not ``wrk2``, and locust's constant throughput is closed-loop per user, hence
this small generator.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from urllib.parse import urlsplit


class Connection:
    """One HTTP/1.1 keep-alive connection that reads Content-Length or chunked answers."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.usable = True

    async def get(self, request: bytes) -> int:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip().lower()
        if "content-length" in headers:
            await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        else:
            await self.reader.read()
            self.usable = False
        if headers.get("connection") == "close":
            self.usable = False
        return status

    def close(self) -> None:
        self.writer.close()


async def run(url: str, paths: list[str], rate: float, duration: float, max_connections: int, timeout: float) -> dict:
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    requests = [
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/json\r\n\r\n".encode() for path in paths
    ]
    idle: list[Connection] = []
    open_count = 0
    slots = asyncio.Semaphore(max_connections)
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors = 0
    total = int(rate * duration)

    async def one(index: int, due: float) -> None:
        nonlocal open_count, errors
        request = requests[index % len(requests)]
        async with slots:
            connection = idle.pop() if idle else None
            try:
                if connection is not None:
                    try:
                        status = await asyncio.wait_for(connection.get(request), timeout)
                    except (ConnectionError, asyncio.IncompleteReadError):
                        # The server closed an idle keep-alive connection: resend on a new one.
                        connection.close()
                        connection = None
                if connection is None:
                    reader, writer = await asyncio.open_connection(host, port)
                    connection = Connection(reader, writer)
                    open_count += 1
                    status = await asyncio.wait_for(connection.get(request), timeout)
                latencies.append(time.perf_counter() - due)
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                if connection.usable:
                    idle.append(connection)
                else:
                    connection.close()
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                errors += 1
                if connection is not None:
                    connection.close()

    start = time.perf_counter() + 0.05
    tasks = []
    for index in range(total):
        due = start + index / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(index, due)))
    sent_at = time.perf_counter()
    _, pending = await asyncio.wait(tasks, timeout=timeout) if tasks else (set(), set())
    for task in pending:
        task.cancel()
    finished = time.perf_counter()
    for connection in idle:
        connection.close()
    latencies.sort()
    ok = statuses.get("200", 0)
    return {
        "target_rate": rate,
        "scheduled": total,
        "completed": len(latencies),
        "unfinished": len(pending),
        "errors": errors,
        "statuses": statuses,
        "achieved_rate": len(latencies) / max(finished - start, 1e-9),
        "send_lag_ms": max(0.0, (sent_at - (start + (total - 1) / rate)) * 1000) if total else 0.0,
        "connections_opened": open_count,
        "ok": ok,
        "p50_ms": _percentile(latencies, 50) * 1000,
        "p90_ms": _percentile(latencies, 90) * 1000,
        "p99_ms": _percentile(latencies, 99) * 1000,
        "max_ms": (latencies[-1] * 1000) if latencies else 0.0,
    }


def _percentile(ordered: list[float], percent: float) -> float:
    if not ordered:
        return 0.0
    rank = min(len(ordered) - 1, max(0, round(percent / 100 * len(ordered)) - 1))
    return ordered[rank]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="base URL, e.g. http://127.0.0.1:18801")
    parser.add_argument("--path", action="append", required=True, help="request path (repeat to rotate)")
    parser.add_argument("--rate", type=float, required=True, help="requests per second")
    parser.add_argument("--duration", type=float, required=True, help="seconds of sending")
    parser.add_argument("--max-connections", type=int, default=64)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args()
    if args.rate <= 0 or args.duration <= 0 or args.rate * args.duration > 1_000_000:
        parser.error("rate and duration must be positive and rate * duration at most 1,000,000")
    result = asyncio.run(run(args.url, args.path, args.rate, args.duration, args.max_connections, args.timeout))
    print("OPENLOOP " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
