"""The real app under gunicorn on loopback for the bench, and the kiosk's cold-load weight as it serves it."""

from __future__ import annotations

import gzip
import http.client
import json
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(*, env: dict, workers: int, threads: int, log_path: Path):
    """gunicorn serving bench.settings (the app's URLs plus the bare view) as docs/deployment.md runs the app
    (gthread workers); yields the port and the master's pid."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "skm.wsgi:application",
        # The empty bench package as the config module: a gunicorn.conf.py in the tree is not read, the
        # flags below are the whole setup.
        "--config", "python:bench",
        "--bind", f"{HOST}:{port}", "--workers", str(workers), "--worker-class", "gthread",
        "--threads", str(threads),
        "--backlog", "2048", "--timeout", "120", "--graceful-timeout", "10",
        "--log-level", "warning", "--error-logfile", str(log_path), "--worker-tmp-dir", "/dev/shm",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "bench.settings"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if fetch(port, "/bench/hello")["status"] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {log_path}")
            time.sleep(0.2)
        yield port, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def fetch(port: int, path: str, headers: dict | None = None) -> dict:
    """One GET; the body as it came over the wire and decoded."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        raw = response.read()
        encoding = response.getheader("Content-Encoding", "")
        return {"status": response.status, "raw": raw, "encoding": encoding,
                "type": response.getheader("Content-Type", ""),
                "body": gzip.decompress(raw) if encoding == "gzip" else raw}
    finally:
        connection.close()


class _References(HTMLParser):
    """What a browser loads from a page (scripts, styles, images, icons, manifests) and every URL it names."""

    LOADED = {("script", "src"), ("link", "href"), ("img", "src"), ("source", "src"), ("video", "src"),
              ("audio", "src"), ("iframe", "src"), ("embed", "src"), ("object", "data"), ("input", "src")}
    NOT_LOADED_LINKS = {"canonical", "alternate", "author", "help", "license", "next", "prev", "search"}

    def __init__(self):
        super().__init__()
        self.loaded, self.named, self.json_scripts = [], [], {}
        self._json_id = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if value and name in {"src", "href", "data", "action", "poster", "srcset"}:
                self.named.append(value)
                if (tag, name) in self.LOADED and not (tag == "link" and set((attrs.get("rel") or "").split())
                                                       & self.NOT_LOADED_LINKS):
                    self.loaded.append(value)
        if tag == "script" and attrs.get("type") == "application/json":
            self._json_id = attrs.get("id")

    def handle_data(self, data):
        if self._json_id:
            self.json_scripts[self._json_id] = data

    def handle_endtag(self, tag):
        if tag == "script":
            self._json_id = None


CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
# Module imports and importScripts: the files a script makes the browser load.
JS_IMPORT = re.compile(r"""(?:\bimport\s*\(|^\s*import\s[^;'"]*?\bfrom|^\s*import|\bimportScripts\s*\()\s*['"]([^'"]+)['"]""",
                       re.MULTILINE)


NOT_REQUESTS = {"data", "blob", "about", "javascript", "mailto", "tel"}


def _other_host(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) and parts.hostname not in {HOST, "localhost"}


def kiosk_weight(*, port: int, token: str, page: str = "/kiosk/") -> dict:
    """Bytes a tablet downloads on its first visit to the kiosk page, compressed as the server sends them:
    the page, every file it loads (and the files those load), the service worker it registers and the
    GET /api/v1/kiosk payload the form is built from."""
    accept = {"Accept-Encoding": "gzip"}
    seen, assets, missing, other_hosts = set(), [], [], set()

    def get(url, kind, headers=None):
        if urlsplit(url).scheme in NOT_REQUESTS or url.startswith("#"):
            return None
        path = urlsplit(urljoin(f"http://{HOST}:{port}{page}", url))
        if _other_host(url):
            other_hosts.add(url)
            return None
        target = path.path + (f"?{path.query}" if path.query else "")
        if target in seen:
            return None
        seen.add(target)
        answer = fetch(port, target, {**accept, **(headers or {})})
        if answer["status"] != 200:
            missing.append({"url": target, "status": answer["status"]})
            return None
        assets.append({"url": target, "kind": kind, "bytes": len(answer["raw"]), "uncompressed": len(answer["body"]),
                       "encoding": answer["encoding"] or "identity"})
        return answer

    html = get(page, "page")
    if html is None:
        return {"error": f"{page} did not answer 200", "missing": missing}
    parser = _References()
    parser.feed(html["body"].decode("utf-8", "replace"))
    other_hosts.update(url for url in parser.named if _other_host(url))
    queue = list(parser.loaded)
    config = json.loads(parser.json_scripts.get("survey-config", "{}") or "{}")
    notes = []
    if config.get("sw"):
        queue.append(config["sw"])
    else:
        notes.append("the page names no service worker (survey-config.sw)")
    while queue:
        url = queue.pop(0)
        answer = get(url, "asset")
        if answer is None:
            continue
        text = answer["body"].decode("utf-8", "replace")
        if "css" in answer["type"]:
            queue += [a or b for a, b in CSS_URL.findall(text)]
        elif "javascript" in answer["type"]:
            queue += JS_IMPORT.findall(text)
    api = (config.get("api") or {}).get("kiosk")
    if api:
        get(api, "api", {"Authorization": f"Kiosk {token}"})
    else:
        notes.append("the page names no kiosk API (survey-config.api.kiosk)")
    total = sum(asset["bytes"] for asset in assets)
    return {
        "cold_kb": round(total / 1024, 1), "cold_bytes": total,
        "uncompressed_kb": round(sum(asset["uncompressed"] for asset in assets) / 1024, 1),
        "requests": len(assets), "other_hosts": len(other_hosts), "other_host_urls": sorted(other_hosts),
        "assets": assets, "missing": missing, "notes": notes,
    }
