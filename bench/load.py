"""Load generator for the submission bench: a bounded number of concurrent HTTP/1.1 clients on loopback.

Reads a JSON plan on stdin, prints one JSON result on stdout. Each client is a thread with a plain socket
(one request per connection, as kiosks that submit minutes apart do); the threads are spread over a few
processes so the generator itself is not held back by one interpreter lock. Every phase is bounded by
time and by a request count. The API phases and the bare phases send the same requests, only the path
differs. Nothing of Django is imported here.

Plan: {"host", "port", "processes", "threads", "timeout", "kiosks": [{"token", "services"}],
       "phases": [{"name", "kind": "api"|"bare", "seconds", "max_requests"}], "replays": n,
       "server_pid": the gunicorn master's pid, "database": the database's name}

Each phase also reports the CPU time its requests cost the app server (gunicorn's master and workers) and
the database (the PostgreSQL backends connected to that database), read from /proc on Linux.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import socket
import statistics
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

PATHS = {"api": "/api/v1/responses", "bare": "/bench/hello"}
JAKARTA = timezone(timedelta(hours=7))
SUGGESTIONS = ("Antrian mohon dipercepat.", "Petugas ramah, pertahankan.", "Ruang tunggu kurang kursi.", "")


def submission(kiosk: dict, rnd: random.Random) -> tuple[str, bytes]:
    """A valid kiosk submission as the tablet sends it: a fresh key made on the device, the citizen's time."""
    key = str(uuid.uuid4())
    body = {
        "key": key,
        "service": rnd.choice(kiosk["services"]),
        "answered_at": datetime.now(JAKARTA).isoformat(timespec="seconds"),
        "profile": {"gender": rnd.choice("LP"), "age": rnd.randint(17, 75),
                    "education": rnd.choice(["SD", "SMP", "SMA", "D1-D3", "D4/S1"]),
                    "occupation": rnd.choice(["PNS", "Swasta", "Wirausaha", "Lainnya"])},
        "answers": {f"U{i}": rnd.choices((1, 2, 3, 4), weights=(2, 8, 50, 40))[0] for i in range(1, 10)},
        "suggestion": rnd.choice(SUGGESTIONS),
    }
    return key, json.dumps(body, separators=(",", ":")).encode()


def request_bytes(plan: dict, path: str, token: str, body: bytes) -> bytes:
    head = (f"POST {path} HTTP/1.1\r\nHost: {plan['host']}:{plan['port']}\r\nAuthorization: Kiosk {token}\r\n"
            f"Content-Type: application/json\r\nAccept-Language: id\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n")
    return head.encode() + body


def exchange(address, payload: bytes, timeout: float) -> tuple[int, bytes, int]:
    """Send one request, read the response to the end; (status, body, bytes received)."""
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.sendall(payload)
        chunks = []
        while data := sock.recv(65536):
            chunks.append(data)
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body, len(raw)


def _client(plan, phase, kiosk, seed, deadline, budget, out):
    rnd = random.Random(seed)
    address = (plan["host"], plan["port"])
    path = PATHS[phase["kind"]]
    while time.time() < deadline and budget > 0:
        budget -= 1
        key, body = submission(kiosk, rnd)
        payload = request_bytes(plan, path, kiosk["token"], body)
        started = time.perf_counter()
        try:
            status, answer, received = exchange(address, payload, plan["timeout"])
        except OSError as problem:
            out.append({"error": type(problem).__name__, "ms": (time.perf_counter() - started) * 1000})
            continue
        record = {"status": status, "ms": (time.perf_counter() - started) * 1000, "sent": len(payload),
                  "body": len(body), "received": received}
        if phase["kind"] == "api" and status in (200, 201):
            try:
                stored = json.loads(answer)
                record.update(key=key, id=stored["id"], echoed=stored.get("key"), created=stored.get("created"))
            except (ValueError, KeyError, TypeError):
                record["bad_answer"] = answer[:200].decode("utf-8", "replace")
            if len(out) < 3 or rnd.random() < 0.002:
                record["replay"] = payload.decode()  # a few to send again at the end
        out.append(record)


def _process(args):
    plan, phase, index, start_at = args
    deadline = start_at + phase["seconds"]
    threads, outs = [], []
    per_thread = max(1, phase["max_requests"] // (plan["processes"] * plan["threads"]))
    time.sleep(max(0.0, start_at - time.time()))
    for t in range(plan["threads"]):
        number = index * plan["threads"] + t
        out = []
        outs.append(out)
        kiosk = plan["kiosks"][number % len(plan["kiosks"])]
        thread = threading.Thread(target=_client, args=(plan, phase, kiosk, hash((phase["name"], number)),
                                                        deadline, per_thread, out))
        threads.append(thread)
        thread.start()
    for thread in threads:
        thread.join()
    return [record for out in outs for record in out], time.time()


def _percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _summary(phase, records, elapsed):
    ok_statuses = (200, 201) if phase["kind"] == "api" else (200,)
    def fine(record):
        return record.get("status") in ok_statuses and "bad_answer" not in record

    good = [r for r in records if fine(r)]
    errors = [r for r in records if not fine(r)]
    kinds = {}
    for r in errors:
        kind = r.get("error") or (f"bad answer {r['status']}" if "bad_answer" in r else f"HTTP {r['status']}")
        kinds[kind] = kinds.get(kind, 0) + 1
    latencies = [r["ms"] for r in records]
    mean = (lambda field: round(statistics.fmean(r[field] for r in good), 1) if good else None)
    return {
        "name": phase["name"], "kind": phase["kind"], "seconds": round(elapsed, 3), "requests": len(records),
        "ok": len(good), "rps": round(len(good) / elapsed, 1) if elapsed else None,
        "p50_ms": round(_percentile(latencies, 0.50), 2) if latencies else None,
        "p99_ms": round(_percentile(latencies, 0.99), 2) if latencies else None,
        "errors": len(errors), "error_kinds": kinds,
        "request_bytes": mean("sent"), "body_bytes": mean("body"), "response_bytes": mean("received"),
    }


def _replay(plan, records):
    """Send some acknowledged submissions again, as a kiosk does when it missed the answer: each must come
    back 200 with the id it was first given."""
    address, problems = (plan["host"], plan["port"]), []
    for record in records:
        try:
            status, answer, _ = exchange(address, record["replay"].encode(), plan["timeout"])
            same = status == 200 and json.loads(answer).get("id") == record["id"]
        except (OSError, ValueError) as problem:
            status, same = type(problem).__name__, False
        if not same:
            problems.append({"key": record["key"], "status": status})
    return {"sent": len(records), "problems": problems}


def _cpu_seconds(plan: dict) -> dict[str, float] | None:
    """CPU seconds used so far by the app server's processes and by the database's backends (None off Linux).
    A backend's process title is "postgres: [<cluster name>:] <user> <database> <client> <state>"."""
    server, database = plan.get("server_pid"), plan.get("database")
    if not server or not database or not os.path.isdir("/proc/self"):
        return None
    used = {"app": 0.0, "database": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                title = cmdline.read().replace(b"\0", b" ").decode(errors="replace").split()
        except OSError:  # ended meanwhile
            continue
        seconds = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
        if int(pid) == server or int(fields[1]) == server:  # the master or one of its workers
            used["app"] += seconds
        elif title[:1] == ["postgres:"] and database in title[2:4]:
            used["database"] += seconds
    return used


def run(plan: dict) -> dict:
    phases, acknowledged, replayable = [], [], []
    context = multiprocessing.get_context("fork")
    with context.Pool(plan["processes"]) as pool:
        for phase in plan["phases"]:
            start_at = time.time() + 0.2
            before = _cpu_seconds(plan)
            results = pool.map(_process, [(plan, phase, i, start_at) for i in range(plan["processes"])], chunksize=1)
            after = _cpu_seconds(plan)
            records = [record for part, _ in results for record in part]
            elapsed = max(end for _, end in results) - start_at
            phases.append(_summary(phase, records, elapsed))
            if before and after and phases[-1]["ok"]:  # per request answered well
                phases[-1]["cpu_ms"] = {part: round((after[part] - before[part]) * 1000 / phases[-1]["ok"], 2)
                                        for part in after}
            for record in records:
                if "id" in record:
                    acknowledged.append([record["key"], record["id"], record["created"], record["echoed"]])
                    if "replay" in record:
                        replayable.append(record)
    return {"phases": phases, "acknowledged": acknowledged,
            "replay": _replay(plan, replayable[:plan.get("replays", 20)])}


if __name__ == "__main__":
    print(json.dumps(run(json.load(sys.stdin))))
