"""N ``streamlit run app.py`` replicas behind one nginx on one machine: config, start, watch, stop.

Everything a run writes lives in one run directory (``nginx.conf``, pid files,
logs, nginx's temp paths, the precompressed copy of Streamlit's bundle), so it
runs unprivileged and never touches ``/etc/nginx``. ``python -m deploy`` is the
command line over this module; tests and the crowd benchmark use ``Stack``.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
#: The app reads its data from here when set (pages/ui/cache.py, harness/server.py).
DATA_DIR_ENV = "ESCAPE_ROUTE_DATA_DIR"
#: Shared by every replica, so an XSRF or login cookie one replica set is valid on the others.
COOKIE_SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"
MODULES_DIR = Path("/usr/lib/nginx/modules")
BROTLI_MODULES = ("ngx_http_brotli_filter_module.so", "ngx_http_brotli_static_module.so")
MIME_TYPES = Path("/etc/nginx/mime.types")
#: Files worth precompressing (woff2 and png are compressed already).
COMPRESSIBLE = (".js", ".css", ".html", ".json", ".svg", ".txt", ".map", ".ttf", ".otf")
LOOPBACK = "127.0.0.1"


def find_nginx() -> str | None:
    """Debian's nginx binary (``/usr/sbin`` is not on a non-root PATH)."""
    for candidate in (os.environ.get("NGINX"), shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def streamlit_static_dir(python: str = sys.executable) -> Path:
    """``<site-packages>/streamlit/static`` of the Python that runs the replicas (not imported here)."""
    code = (
        "import importlib.util, pathlib; "
        "print(pathlib.Path(importlib.util.find_spec('streamlit').origin).parent / 'static')"
    )
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout
    return Path(out.strip())


@dataclass
class Settings:
    """What a maintainer chooses; everything else is derived."""

    replicas: int = 2
    base_port: int = 8601
    listen_port: int = 8080
    listen_address: str = LOOPBACK
    project_dir: Path = PROJECT
    data_dir: Path | None = None
    audience_dir: Path | None = None
    run_dir: Path | None = None
    python: str = sys.executable
    workers: str = "auto"
    #: Passive failure detection: after ``max_fails`` failed attempts within ``fail_timeout``
    #: a replica gets no requests for ``fail_timeout``.
    max_fails: int = 1
    fail_timeout_s: int = 5
    #: Streamlit's ``runner.postScriptGC``: a full ``gc.collect()`` after every run. Off, each new
    #: viewer costs about a third less CPU (deploy/README.md); Python's own GC still runs.
    post_script_gc: bool = True
    extra_env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.project_dir = Path(self.project_dir).resolve()
        self.data_dir = Path(self.data_dir or self.project_dir / "data").resolve()
        if self.audience_dir is not None:
            self.audience_dir = Path(self.audience_dir).resolve()
        if self.run_dir is None:
            self.run_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"escape-route-{self.listen_port}"
        self.run_dir = Path(self.run_dir).resolve()
        if self.replicas < 1:
            raise ValueError("replicas must be at least 1")

    @property
    def ports(self) -> list[int]:
        return [self.base_port + i for i in range(self.replicas)]

    @property
    def url(self) -> str:
        host = LOOPBACK if self.listen_address in ("0.0.0.0", "*") else self.listen_address
        return f"http://{host}:{self.listen_port}"


# ------------------------------------------------------------------------------------- nginx.conf


def _proxy_block(timeout: str = "60s", indent: str = "            ") -> str:
    lines = [
        "proxy_pass http://streamlit;",
        "proxy_http_version 1.1;",
        # $http_host keeps the port: Streamlit accepts a websocket only when Origin matches Host.
        "proxy_set_header Host $http_host;",
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header Connection $connection_upgrade;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_connect_timeout 2s;",
        f"proxy_read_timeout {timeout};",
        f"proxy_send_timeout {timeout};",
        # A refused or failed connection, or a 502/503, is retried on another replica, as long as
        # nothing was sent to the viewer yet (never for POST/PUT: uploads are not repeated).
        "proxy_next_upstream error timeout http_502 http_503;",
        "proxy_next_upstream_timeout 15s;",
    ]
    return "\n".join(indent + line for line in lines)


def _brotli_block() -> tuple[str, str]:
    """(load_module lines, http-level directives) when Debian's brotli modules are installed."""
    if not all((MODULES_DIR / m).is_file() for m in BROTLI_MODULES):
        return "# brotli: Debian's libnginx-mod-http-brotli-* not installed; gzip only.", ""
    load = "\n".join(f"load_module {MODULES_DIR / m};" for m in BROTLI_MODULES)
    directives = [
        "brotli on;",
        "brotli_static on;",
        "brotli_comp_level 5;",
        "brotli_min_length 1024;",
        "brotli_types text/css text/plain application/javascript text/javascript application/json",
        "             application/manifest+json application/geo+json image/svg+xml;",
    ]
    return load, "\n".join("    " + d for d in directives)


def _audience_block(audience_dir: Path | None) -> str:
    if audience_dir is None:
        return (
            "        # No audience site given (python -m deploy up --audience-dir DIR).\n"
            "        location ^~ /audience/ { return 404; }"
        )
    return "\n".join(
        [
            "        location = /audience { return 301 /audience/; }",
            "        location ^~ /audience/ {",
            f"            alias {audience_dir}/;",
            "            index index.html;",
            "            add_header Cache-Control $audience_cache;",
            "            add_header Set-Cookie $er_route_cookie always;",
            "        }",
        ]
    )


def render_config(settings: Settings, bundle_dir: Path) -> str:
    """The nginx.conf for these settings; ``bundle_dir`` is the (precompressed) Streamlit static dir."""
    load_modules, brotli = _brotli_block()
    servers = "\n".join(
        f"        server {LOOPBACK}:{port} max_fails={settings.max_fails} "
        f"fail_timeout={settings.fail_timeout_s}s{' down' if port in _down_ports(settings) else ''};"
        for port in settings.ports
    )
    values = {
        "RUN_DIR": str(settings.run_dir),
        "LOAD_MODULES": load_modules,
        "USER": _user_directive(),
        "WORKERS": settings.workers,
        "MIME_TYPES": str(_mime_types(settings.run_dir)),
        "BROTLI": brotli,
        "UPSTREAM_SERVERS": servers,
        "LISTEN_ADDRESS": settings.listen_address,
        "LISTEN_PORT": str(settings.listen_port),
        "BUNDLE_DIR": str(bundle_dir),
        "APP_STATIC_DIR": str(settings.project_dir / "static"),
        "AUDIENCE": _audience_block(settings.audience_dir),
        "PROXY": _proxy_block(),
        "PROXY_WEBSOCKET": _proxy_block("1h"),
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    if "@@" in text:
        raise ValueError(f"unfilled placeholder in {TEMPLATE}: {text[text.index('@@') :][:40]}")
    return text


def _user_directive() -> str:
    """Workers run as whoever started nginx.

    Started by root, nginx would switch its workers to ``nobody``, who cannot read a project
    under /root or a 0700 temporary directory (403 for every static file); so the workers stay
    the invoking user. Better still, run ``deploy/run`` as an ordinary user: then this line is
    a comment and nothing runs as root.
    """
    import pwd

    if os.geteuid() != 0:
        return "# user: not root, so nginx's workers run as this user."
    entry = pwd.getpwuid(os.geteuid())
    return f"user {entry.pw_name}; # started as root: see deploy/README.md (run it as a normal user)"


def _mime_types(run_dir: Path) -> Path:
    """Debian's /etc/nginx/mime.types (read only), or a minimal copy in the run directory."""
    if MIME_TYPES.is_file():
        return MIME_TYPES
    path = run_dir / "mime.types"
    types = {
        "text/html": "html htm",
        "text/css": "css",
        "text/plain": "txt",
        "application/javascript": "js mjs",
        "application/json": "json map geojson",
        "image/svg+xml": "svg",
        "image/png": "png",
        "image/x-icon": "ico",
        "font/woff2": "woff2",
        "font/woff": "woff",
        "font/ttf": "ttf",
    }
    lines = "".join(f"    {mime} {exts};\n" for mime, exts in types.items())
    path.write_text("types {\n" + lines + "}\n")
    return path


def _down_ports(settings: Settings) -> set[int]:
    """Replicas the health checker took out of the upstream (``<run dir>/down.json``)."""
    path = settings.run_dir / "down.json"
    try:
        return set(json.loads(path.read_text()))
    except (OSError, ValueError):
        return set()


# ------------------------------------------------------------------------- precompressed bundle


def _compress_one(path: Path, brotli: str | None) -> None:
    data = path.read_bytes()
    gz = path.with_name(path.name + ".gz")
    gz.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    if brotli:
        subprocess.run([brotli, "-q", "9", "-f", "-o", str(path) + ".br", str(path)], check=True)


def prepare_bundle(static_dir: Path, run_dir: Path) -> Path:
    """A mirror of Streamlit's static dir (symlinks) with ``.gz`` (and ``.br``) beside each text file.

    Done once per Streamlit build (keyed by its index.html) and reused by later runs in the
    same run directory, so nginx never compresses the 23 MB bundle on the fly.
    """
    key = hashlib.sha256((static_dir / "index.html").read_bytes()).hexdigest()[:12]
    mirror = run_dir / "www" / f"streamlit-{key}"
    if (mirror / ".complete").is_file():
        return mirror
    shutil.rmtree(mirror, ignore_errors=True)
    brotli = shutil.which("brotli")
    todo: list[Path] = []
    for src in static_dir.rglob("*"):
        if src.is_dir():
            continue
        rel = src.relative_to(static_dir)
        dest = mirror / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.symlink_to(src)
        if src.suffix in COMPRESSIBLE and src.stat().st_size >= 1024:
            todo.append(dest)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(lambda p: _compress_one(p, brotli), todo))
    (mirror / ".complete").write_text(f"{len(todo)} files compressed; brotli: {bool(brotli)}\n")
    return mirror


# ----------------------------------------------------------------------------------- processes


@dataclass
class Replica:
    port: int
    process: subprocess.Popen | None
    log: Path

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def health(url: str, timeout_s: float = 2.0) -> bool:
    """True when ``<url>/_stcore/health`` answers 200 (Streamlit answers ``ok``)."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout_s) as r:
            return r.status == 200
    except OSError:
        return False


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        # As uvicorn binds: connections of a killed replica in TIME_WAIT do not block its restart.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def _cookie_secret(run_dir: Path) -> str:
    if os.environ.get(COOKIE_SECRET_ENV):
        return os.environ[COOKIE_SECRET_ENV]
    path = run_dir / "cookie-secret"
    if not path.is_file():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Stack:
    """The replicas and nginx of one run directory. Use as a context manager, or start()/stop()."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.run_dir: Path = settings.run_dir  # type: ignore[assignment]
        self.replicas = [Replica(p, None, self.run_dir / "logs" / f"replica-{p}.log") for p in settings.ports]
        self.nginx: subprocess.Popen | None = None
        self.nginx_bin = find_nginx()
        self.conf = self.run_dir / "nginx.conf"
        self.bundle_dir: Path | None = None

    @property
    def url(self) -> str:
        return self.settings.url

    # -- files

    def write_config(self) -> Path:
        """Create the run directory, the precompressed bundle mirror and nginx.conf; return its path."""
        for sub in ("logs", "tmp"):
            (self.run_dir / sub).mkdir(parents=True, exist_ok=True)
        # A fresh config puts every replica in the upstream, whatever an earlier run marked down.
        with contextlib.suppress(FileNotFoundError):
            (self.run_dir / "down.json").unlink()
        self.bundle_dir = prepare_bundle(streamlit_static_dir(self.settings.python), self.run_dir)
        self.conf.write_text(render_config(self.settings, self.bundle_dir), encoding="utf-8")
        return self.conf

    # -- replicas

    def _replica_env(self) -> dict[str, str]:
        env = {**os.environ, **self.settings.extra_env}
        env[DATA_DIR_ENV] = str(self.settings.data_dir)
        env[COOKIE_SECRET_ENV] = _cookie_secret(self.run_dir)
        if not self.settings.post_script_gc:
            env["STREAMLIT_RUNNER_POST_SCRIPT_GC"] = "false"
        return env

    def start_replica(self, index: int) -> Replica:
        """``streamlit run app.py`` on 127.0.0.1:<base port + index>; returns without waiting.

        The same command as ``harness.server.start_app`` (and ``./run``), with the project and
        data directory of these settings, its log in the run directory, and its own process
        group so the supervisor, not a terminal's Ctrl-C, decides the order of shutdown.
        """
        replica = self.replicas[index]
        if not _port_free(replica.port):
            raise RuntimeError(f"port {replica.port} is in use: choose another --base-port")
        replica.log.parent.mkdir(parents=True, exist_ok=True)
        replica.process = subprocess.Popen(
            [
                self.settings.python,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.port",
                str(replica.port),
                "--server.address",
                LOOPBACK,
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=self.settings.project_dir,
            env=self._replica_env(),
            stdout=replica.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return replica

    def wait_healthy(self, replicas: list[Replica] | None = None, timeout_s: float = 90) -> None:
        pending = list(replicas or self.replicas)
        deadline = time.monotonic() + timeout_s
        while pending:
            for replica in list(pending):
                if not replica.alive:
                    raise RuntimeError(f"replica on port {replica.port} exited; see {replica.log}")
                if health(replica.url, timeout_s=1):
                    pending.remove(replica)
            if pending and time.monotonic() > deadline:
                raise RuntimeError(f"replicas {[r.port for r in pending]} not healthy in {timeout_s:.0f} s")
            if pending:
                time.sleep(0.2)

    def kill_replica(self, index: int, sig: int = signal.SIGKILL) -> None:
        """Stop one replica abruptly (tests, drills): nginx finds out on the next request."""
        replica = self.replicas[index]
        if replica.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(replica.process.pid, sig)
            replica.process.wait(timeout=10)

    def restart_replica(self, index: int) -> None:
        self.kill_replica(index, signal.SIGTERM)
        self.start_replica(index)
        self.wait_healthy([self.replicas[index]])

    # -- nginx

    def start_nginx(self) -> None:
        if self.nginx_bin is None:
            raise RuntimeError("nginx not found: run scripts/ensure_nginx.sh (Debian's nginx-light)")
        args = [self.nginx_bin, "-c", str(self.conf), "-p", str(self.run_dir), "-e", str(self.error_log)]
        test = subprocess.run([*args, "-t", "-q"], capture_output=True, text=True)
        if test.returncode != 0:
            raise RuntimeError(f"nginx -t failed for {self.conf}:\n{test.stderr}")
        self.nginx = subprocess.Popen(
            [*args, "-g", "daemon off;"],
            stdout=(self.run_dir / "logs" / "nginx.out").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 15
        while not health(self.url, timeout_s=1):
            if self.nginx.poll() is not None:
                raise RuntimeError(f"nginx exited; see {self.error_log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"nginx on {self.url} did not answer; see {self.error_log}")
            time.sleep(0.1)

    @property
    def error_log(self) -> Path:
        return self.run_dir / "logs" / "nginx-error.log"

    def reload_nginx(self) -> None:
        """Rewrite nginx.conf (e.g. after the health checker marked a replica down) and reload it."""
        assert self.bundle_dir is not None
        self.conf.write_text(render_config(self.settings, self.bundle_dir), encoding="utf-8")
        if self.nginx is not None and self.nginx.poll() is None:
            os.kill(self.nginx.pid, signal.SIGHUP)

    def nginx_worker_pids(self) -> list[int]:
        if self.nginx is None:
            return []
        try:
            text = Path(f"/proc/{self.nginx.pid}/task/{self.nginx.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    # -- whole stack

    def start(self) -> Stack:
        """Write the config, start every replica at once, wait for health, then start nginx."""
        try:
            self.write_config()
            for i in range(len(self.replicas)):
                self.start_replica(i)
            self.wait_healthy()
            self.start_nginx()
            self.write_state()
        except BaseException:
            self.stop()
            raise
        return self

    def write_state(self) -> None:
        state = {
            "url": self.url,
            "nginx_pid": self.nginx.pid if self.nginx else None,
            "replicas": {str(r.port): r.process.pid for r in self.replicas if r.process},
            "supervisor_pid": os.getpid(),
        }
        (self.run_dir / "stack.json").write_text(json.dumps(state, indent=2) + "\n")

    def stop(self, graceful: bool = True) -> None:
        """nginx first (graceful: open requests finish, for up to 10 s), then the replicas."""
        if self.nginx is not None and self.nginx.poll() is None:
            if graceful:
                _stop(self.nginx, signal.SIGQUIT, grace_s=12)
            else:
                _stop(self.nginx, signal.SIGTERM, grace_s=5)
        for replica in self.replicas:
            if replica.process is not None and replica.process.poll() is None:
                _stop(replica.process, signal.SIGTERM, grace_s=10)
        with contextlib.suppress(OSError):
            (self.run_dir / "stack.json").unlink()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _stop(process: subprocess.Popen, sig: int, grace_s: float) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def stop_from_state(run_dir: Path) -> list[str]:
    """``python -m deploy down``: stop what a detached ``up`` left in ``<run dir>/stack.json``."""
    path = run_dir / "stack.json"
    if not path.is_file():
        return [f"nothing running: {path} not found"]
    state = json.loads(path.read_text())
    done = []
    supervisor = state.get("supervisor_pid")
    if supervisor and supervisor != os.getpid() and _alive(supervisor):
        # The supervisor stops everything in order on SIGTERM.
        os.kill(supervisor, signal.SIGTERM)
        for _ in range(150):
            if not _alive(supervisor):
                break
            time.sleep(0.1)
        done.append(f"stopped supervisor {supervisor}")
    pids = [("nginx", state.get("nginx_pid"), signal.SIGQUIT)]
    pids += [(f"replica {port}", pid, signal.SIGTERM) for port, pid in state.get("replicas", {}).items()]
    for name, pid, sig in pids:
        if pid and _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, sig)
            done.append(f"stopped {name} ({pid})")
    with contextlib.suppress(OSError):
        path.unlink()
    return done


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped) counts as gone.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0] != "Z"
    except OSError:
        return False
