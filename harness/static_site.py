"""A folder served by nginx on loopback under ``/audience/``, as ``deploy/`` serves the audience site.

The compression and caching lines are those of ``deploy/nginx.conf.template``
(gzip level 5 for text, JSON and SVG; HTML ``no-cache``, other files one hour),
without the Streamlit replicas: the browser tests and the benchmark open the
site the way a phone at a screening does. Everything the server writes stays
in ``run_dir``, so it runs unprivileged.
"""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from deploy.stack import MIME_TYPES, find_nginx
from harness.server import free_port

PREFIX = "/audience/"

_CONFIG = """\
# A static folder under {prefix} (harness/static_site.py); mirrors deploy/nginx.conf.template.
{user}
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include {mime};
    default_type application/octet-stream;
    types {{ application/manifest+json webmanifest; }}
    charset_types text/css application/javascript application/json image/svg+xml;
    access_log {run}/access.log;
    client_body_temp_path {run}/tmp/body;
    proxy_temp_path {run}/tmp/proxy;
    fastcgi_temp_path {run}/tmp/fastcgi;
    uwsgi_temp_path {run}/tmp/uwsgi;
    scgi_temp_path {run}/tmp/scgi;
    sendfile on;
    server_tokens off;
    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 1024;
    gzip_types text/css text/plain application/javascript text/javascript application/json
               application/manifest+json application/geo+json image/svg+xml;
    map $uri $audience_cache {{
        ~(\\.html?|/)$  "no-cache";
        default        "public, max-age=3600";
    }}
    server {{
        listen 127.0.0.1:{port};
        absolute_redirect off;
        location = {bare} {{ return 301 {prefix}; }}
        location ^~ {prefix} {{
            alias {site}/;
            index index.html;
            add_header Cache-Control $audience_cache;
        }}
        location / {{ return 404; }}
    }}
}}
"""


def _user_line() -> str:
    """Started by root, nginx's workers would become ``nobody``, who cannot read a 0700 temp dir."""
    if os.geteuid() != 0:
        return "# not root: the workers run as this user"
    import pwd

    return f"user {pwd.getpwuid(0).pw_name};"


@dataclass
class StaticSite:
    site_dir: Path
    run_dir: Path
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The site's address, ending in ``/``."""
        return f"http://127.0.0.1:{self.port}{PREFIX}"

    def pids(self) -> list[int]:
        """nginx's master and worker processes, for CPU and memory readings."""
        if self.process is None:
            return []
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            children = ""
        return [self.process.pid, *map(int, children.split())]

    def start(self) -> StaticSite:
        nginx = find_nginx()
        if nginx is None:
            raise RuntimeError("nginx not found: scripts/ensure_nginx.sh installs Debian's nginx")
        self.port = self.port or free_port()
        (self.run_dir / "tmp").mkdir(parents=True, exist_ok=True)
        conf = self.run_dir / "nginx.conf"
        conf.write_text(
            _CONFIG.format(
                user=_user_line(),
                run=self.run_dir,
                mime=MIME_TYPES,
                port=self.port,
                prefix=PREFIX,
                bare=PREFIX.rstrip("/"),
                site=Path(self.site_dir).resolve(),
            )
        )
        args = [nginx, "-c", str(conf), "-p", str(self.run_dir), "-e", str(self.run_dir / "error.log")]
        self.process = subprocess.Popen(
            [*args, "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=(self.run_dir / "nginx.out").open("ab"),
            start_new_session=True,
        )
        deadline = time.monotonic() + 15
        while True:
            try:
                with urllib.request.urlopen(self.url, timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"nginx did not serve {self.url}; see {self.run_dir}/error.log")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> StaticSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
