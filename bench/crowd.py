"""A screening's crowd without browsers: K viewers open the app within a short window.

Each viewer is ``bench.streamlit_client.visit``: index.html and the bundle it
references, the health and host-config probes, a websocket session, the first
full run of the Route Map, then the map iframe's files. The same K viewers are
sent to:

- Streamlit alone: one replica, as ``./run`` serves it (the bundle from Python);
- nginx + 1 replica and nginx + N replicas (``deploy.stack.Stack``): nginx serves
  the bundle and static files, the replicas only the websocket and probes;
- the static audience site (``python -m geo export --site``) through the same
  nginx: a GET of every file, both languages (what a phone whose service worker
  precaches the site fetches; a first view alone is less), the baseline of every ratio.

Bounded: at most ``MAX_VIEWERS`` per step, each viewer ``SESSION_TIMEOUT_S``, the
whole section a time budget; loopback only (``require_loopback``). A target stops
at the first K whose p95 is over ``P95_BOUND_S`` or whose error rate is over 10 %:
a larger crowd would only be slower.

``python -m bench.crowd --url http://127.0.0.1:8501 -k 10`` sends one crowd to a
server that is already running.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.report import Section
from bench.streamlit_client import Viewer, require_loopback, visit
from harness import aio
from harness.server import free_port_range

KS = [1, 10, 50, 200]
KS_QUICK = [1, 10, 50]
#: Viewers open the page at this rate: K of them within K / ARRIVALS_PER_S seconds.
ARRIVALS_PER_S = 20.0
P95_BOUND_S = 10.0
SESSION_TIMEOUT_S = 60.0
MAX_VIEWERS = 500
#: The whole section, so ./bench/run stays within about five minutes on 2 cores.
BUDGET_S = 270.0
BUDGET_QUICK_S = 180.0
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------------------------- /proc


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes (all their threads) so far, from /proc/<pid>/stat."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / CLK_TCK


def rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def machine_busy_s() -> float:
    """CPU seconds every process on the machine has used (all cores), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / CLK_TCK


def _client_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# ------------------------------------------------------------------------------------- a crowd


@dataclass
class CrowdRun:
    target: str
    k: int
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    timeouts: int = 0
    bytes_received: int = 0
    server_cpu_s: float = 0.0
    proxy_cpu_s: float = 0.0
    peak_rss_mib: float = 0.0
    client_cpu_s: float = 0.0
    #: CPU the rest of the machine used meanwhile (other people's tests, browsers): noise to report.
    other_cpu_s: float = 0.0
    makespan_s: float = 0.0
    stopped_by_deadline: bool = False

    def pct(self, q: float) -> float:
        if not self.times:
            return float("nan")
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]

    @property
    def p50(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def p95(self) -> float:
        """Nearest-rank p95 over all K viewers: a viewer who failed or timed out counts as slowest."""
        if len(self.times) < self.k:
            return float("inf")
        return self.pct(0.95)

    @property
    def failed(self) -> int:
        return len(self.errors) + self.timeouts

    @property
    def throughput(self) -> float:
        """Viewers served per second, from the first arrival to the last finished run."""
        return len(self.times) / self.makespan_s if self.makespan_s else float("nan")


#: One viewer: returns (seconds to served, bytes received, a closer for what stays open).
ViewerFn = Callable[[], Awaitable[tuple[float, int, Callable[[], Awaitable[None]]]]]


def app_viewer(url: str, timeout_s: float = SESSION_TIMEOUT_S) -> ViewerFn:
    async def one() -> tuple[float, int, Callable[[], Awaitable[None]]]:
        v = await visit(url, timeout_s=timeout_s)
        if v.session.status != "FINISHED_SUCCESSFULLY" or v.session.exceptions:
            await v.handle.close()
            raise RuntimeError(f"run ended {v.session.status}: {v.session.exceptions[:1]}")

        async def close() -> None:
            await v.handle.close()
            await v.viewer.close()

        return v.time_to_run_s, v.viewer.bytes_received, close

    return one


def static_viewer(url: str, paths: list[str], timeout_s: float = SESSION_TIMEOUT_S) -> ViewerFn:
    async def one() -> tuple[float, int, Callable[[], Awaitable[None]]]:
        start = time.perf_counter()
        viewer = Viewer(url, timeout_s=timeout_s)
        await viewer.get_all(paths)
        return time.perf_counter() - start, viewer.bytes_received, viewer.close

    return one


async def _crowd(
    target: str,
    k: int,
    one: ViewerFn,
    server_pids: Callable[[], list[int]],
    proxy_pids: Callable[[], list[int]],
    window_s: float,
    deadline_s: float,
) -> CrowdRun:
    run = CrowdRun(target, k)
    closers: list[Callable[[], Awaitable[None]]] = []
    server0, proxy0, client0 = cpu_seconds(server_pids()), cpu_seconds(proxy_pids()), _client_cpu_s()
    busy0 = machine_busy_s()
    start = time.perf_counter()
    finished_at: list[float] = []
    sampling = True

    async def sample_rss() -> None:
        while sampling:
            run.peak_rss_mib = max(run.peak_rss_mib, rss_mib(server_pids() + proxy_pids()))
            await asyncio.sleep(0.1)

    async def viewer(i: int) -> None:
        await asyncio.sleep(window_s * i / k)
        try:
            seconds, received, close = await asyncio.wait_for(one(), SESSION_TIMEOUT_S)
        except TimeoutError:
            run.timeouts += 1
            return
        except Exception as exc:  # noqa: BLE001 - every failure of a viewer is counted, not raised
            run.errors.append(f"{type(exc).__name__}: {exc}"[:200])
            return
        run.times.append(seconds)
        run.bytes_received += received
        finished_at.append(time.perf_counter() - start)
        closers.append(close)

    sampler = asyncio.create_task(sample_rss())
    tasks = [asyncio.create_task(viewer(i)) for i in range(k)]
    _done, pending = await asyncio.wait(tasks, timeout=max(0.0, deadline_s - time.monotonic()))
    if pending:
        run.stopped_by_deadline = True
        run.timeouts += len(pending)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    run.makespan_s = max(finished_at, default=0.0)
    sampling = False
    await sampler
    # The sessions stayed open as phones would; close them, and let the servers settle.
    await asyncio.gather(*(c() for c in closers), return_exceptions=True)
    await asyncio.sleep(0.5)
    run.server_cpu_s = cpu_seconds(server_pids()) - server0
    run.proxy_cpu_s = cpu_seconds(proxy_pids()) - proxy0
    run.client_cpu_s = _client_cpu_s() - client0
    ours = run.server_cpu_s + run.proxy_cpu_s + run.client_cpu_s
    run.other_cpu_s = max(0.0, machine_busy_s() - busy0 - ours)
    return run


def run_crowd(
    url: str,
    k: int,
    *,
    target: str = "",
    static_paths: list[str] | None = None,
    server_pids: Callable[[], list[int]] = list,
    proxy_pids: Callable[[], list[int]] = list,
    window_s: float | None = None,
    deadline_s: float = 120.0,
    session_timeout_s: float = SESSION_TIMEOUT_S,
) -> CrowdRun:
    """K viewers of ``url`` (the app, or ``static_paths`` of a static site), stopped after ``deadline_s``.

    Refuses anything but a loopback URL and more than ``MAX_VIEWERS`` viewers before sending anything.
    """
    require_loopback(url)
    if not 1 <= k <= MAX_VIEWERS:
        raise ValueError(f"k must be 1..{MAX_VIEWERS}, got {k}")
    _raise_fd_limit()
    window = k / ARRIVALS_PER_S if window_s is None else window_s
    one = (
        static_viewer(url, static_paths, session_timeout_s)
        if static_paths is not None
        else app_viewer(url, session_timeout_s)
    )
    deadline = time.monotonic() + deadline_s
    return aio.run(_crowd(target or url, k, one, server_pids, proxy_pids, window, deadline))


# ------------------------------------------------------------------------------------- the section


def _audience_site(tmp: Path) -> tuple[Path, str]:
    """The audience site directory, and where it came from."""
    given = os.environ.get("ESCAPE_ROUTE_AUDIENCE_DIR")
    if given and Path(given).is_dir():
        return Path(given).resolve(), f"`{given}`"
    out = tmp / "audience"
    subprocess.run(
        [sys.executable, "-m", "geo", "export", "--site", str(out)],
        check=True,
        capture_output=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return out, "the audience site (`python -m geo export --site`), both languages"


def _site_paths(site: Path) -> list[str]:
    return sorted("/audience/" + p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())


def _s(seconds: float) -> str:
    if seconds != seconds:  # nan
        return "–"
    if seconds == float("inf"):
        return "> bound"
    return f"{seconds:,.2f} s"


def crowd(quick: bool = False) -> Section:
    from deploy.stack import Settings, Stack, find_nginx

    ks = KS_QUICK if quick else KS
    budget_end = time.monotonic() + (BUDGET_QUICK_S if quick else BUDGET_S)
    section = Section(
        "8. Crowd: K viewers open the Route Map at once (protocol-level, no browsers)",
        [
            "target",
            "K",
            "p50",
            "p95",
            "max",
            "p95 ÷ static",
            "app CPU-s / viewer",
            "nginx CPU-s / viewer",
            "peak RSS",
            "KB / viewer",
            "failed",
            "other load",
        ],
    )
    if find_nginx() is None:
        section.notes.append("Skipped: nginx not found (`scripts/ensure_nginx.sh` installs Debian's nginx).")
        return section
    cores = os.cpu_count() or 1
    replicas_n = max(2, min(cores, 4))
    runs: dict[str, list[CrowdRun]] = {}
    skipped: list[str] = []
    with tempfile.TemporaryDirectory(prefix="crowd-") as tmp_name:
        tmp = Path(tmp_name)
        site, site_label = _audience_site(tmp)
        paths = _site_paths(site)
        one = Stack(
            Settings(
                replicas=1,
                base_port=free_port_range(1),
                listen_port=free_port_range(1),
                audience_dir=site,
                run_dir=tmp / "run-1",
            )
        )
        many = Stack(
            Settings(
                replicas=replicas_n,
                base_port=free_port_range(replicas_n),
                listen_port=free_port_range(1),
                audience_dir=site,
                run_dir=tmp / "run-n",
            )
        )
        try:
            one.start()
            many.start()
            # A warm server: every replica has run the page once (section 1 measures cold starts).
            for stack in (one, many):
                for replica in stack.replicas:
                    run_crowd(replica.url, 1, deadline_s=60)

            def pids_of(stack: Stack) -> Callable[[], list[int]]:
                return lambda: [r.process.pid for r in stack.replicas if r.process]

            def nginx_of(stack: Stack) -> Callable[[], list[int]]:
                return lambda: stack.nginx_worker_pids() + ([stack.nginx.pid] if stack.nginx else [])

            targets = [
                ("static audience site (nginx)", many.url, paths, list, nginx_of(many)),
                ("Streamlit alone, 1 replica", one.replicas[0].url, None, pids_of(one), list),
                ("nginx + 1 replica", one.url, None, pids_of(one), nginx_of(one)),
                (f"nginx + {replicas_n} replicas", many.url, None, pids_of(many), nginx_of(many)),
            ]
            for name, url, static, server, proxy in targets:
                runs[name] = []
                for k in ks:
                    remaining = budget_end - time.monotonic()
                    if remaining < 5:
                        skipped.append(f"{name}, K={k}: section time budget spent")
                        continue
                    previous = runs[name][-1] if runs[name] else None
                    if previous and (previous.p95 > P95_BOUND_S or previous.failed > 0.1 * previous.k):
                        skipped.append(f"{name}, K={k}: not run, K={previous.k} was already over the bound")
                        continue
                    print(f"    crowd: {name}, K={k}", file=sys.stderr, flush=True)
                    runs[name].append(
                        run_crowd(
                            url,
                            k,
                            target=name,
                            static_paths=static,
                            server_pids=server,
                            proxy_pids=proxy,
                            deadline_s=min(remaining, SESSION_TIMEOUT_S + k / ARRIVALS_PER_S + 5),
                        )
                    )
        finally:
            one.stop(graceful=False)
            many.stop(graceful=False)
    _fill(section, runs, skipped, site_label, cores, replicas_n)
    return section


def _fill(
    section: Section,
    runs: dict[str, list[CrowdRun]],
    skipped: list[str],
    site_label: str,
    cores: int,
    replicas_n: int,
) -> None:
    static = {r.k: r for r in next(iter(runs.values()), [])}
    client_cpu = 0.0
    for name, results in runs.items():
        for r in results:
            base = static.get(r.k)
            ratio = f"{r.p95 / base.p95:,.0f}×" if base and base.p95 and r.p95 != float("inf") else "–"
            section.rows.append(
                [
                    name,
                    str(r.k),
                    _s(r.p50),
                    _s(r.p95),
                    _s(max(r.times, default=float("nan"))),
                    ratio if name != next(iter(runs)) else "1×",
                    f"{r.server_cpu_s / r.k:.3f}" if r.server_cpu_s else "–",
                    f"{r.proxy_cpu_s / r.k:.4f}" if r.proxy_cpu_s else "–",
                    f"{r.peak_rss_mib:,.0f} MiB",
                    f"{r.bytes_received / max(1, len(r.times)) / 1024:,.0f}",
                    f"{len(r.errors)} err, {r.timeouts} t/o" if r.failed else "0",
                    f"{r.other_cpu_s / r.makespan_s:.1f} cores" if r.makespan_s > 0.5 else "–",
                ]
            )
            client_cpu += r.client_cpu_s
    notes = section.notes
    notes.append(
        "Each viewer: index.html and every file it references (module script, modulepreloads, CSS, font, "
        "favicon), the health and host-config probes, a websocket session until the Route Map's first "
        "full run (`script_finished`), then the map iframe's files; times are from the first request to "
        f"`script_finished`. K viewers arrive within K/{ARRIVALS_PER_S:.0f} s; sessions stay open "
        "until the whole crowd is served. The servers had run the page once before (warm). "
        f"Static baseline: {site_label}, every file fetched."
    )
    notes.append(
        "CPU from /proc/<pid>/stat (utime + stime) of the replica processes and of nginx, before and "
        "after each crowd, per viewer; peak RSS sampled every 0.1 s over the same processes. "
        f"The load generator shares the {cores} cores: it used {client_cpu:,.0f} CPU-s over all rows. "
        "*Other load*: CPU the rest of the machine used during the crowd (from /proc/stat, less the "
        "servers and the generator), in cores: anything above ~0.1 means someone else's work (tests, "
        "a browser) competed for the cores, and the times and rates of that row are pessimistic; "
        "CPU-s per viewer is the steadier number."
    )
    notes += _capacity(runs, cores, replicas_n)
    if skipped:
        notes.append("Not run: " + "; ".join(skipped) + ".")


def _capacity(runs: dict[str, list[CrowdRun]], cores: int, replicas_n: int) -> list[str]:
    """How many new viewers per second each target holds with p95 under the bound, and how derived."""
    lines = [
        f"**New viewers per second held with p95 < {P95_BOUND_S:.0f} s**, derived from the rows: a server "
        "holds an arrival rate when it finishes viewers at least as fast as they arrive; then each "
        "viewer waits about one viewer's own time (p50 at K=1 plus a little queueing), and above "
        "that rate the queue, and p95, grows by (arrival rate − rate held) ÷ rate held seconds for "
        f"every second of arrivals. Crowds arrive at {ARRIVALS_PER_S:.0f}/s, faster than any replica "
        "serves, so the largest crowd a target finished without failures measures the rate it "
        "holds: viewers ÷ (last finished run − first arrival). Cross-check: the CPU ceiling "
        "min(replicas, cores) ÷ app CPU-s per viewer. A burst of B viewers at once stays under the "
        "bound while B ÷ rate held ≲ 10 s."
    ]
    for name, results in runs.items():
        clean = [r for r in results if r.failed == 0 and not r.stopped_by_deadline]
        if not clean:
            lines.append(f"- {name}: no crowd finished without failures.")
            continue
        saturated = max(clean, key=lambda r: r.k)
        replicas = 1 if "1 replica" in name else replicas_n if "replicas" in name else 0
        ceiling = ""
        if replicas and saturated.server_cpu_s:
            per = saturated.server_cpu_s / saturated.k
            ceiling = f"; CPU ceiling {min(replicas, cores) / per:,.1f}/s"
        # A crowd that never queued finished as fast as it arrived: the rate held is at least that.
        alone = max(results[0].times)
        arrival_limited = saturated.makespan_s <= saturated.k / ARRIVALS_PER_S + 2 * alone + 0.5
        at_least = "at least " if arrival_limited else "about "
        under = [r.k for r in results if r.p95 <= P95_BOUND_S and r.failed == 0]
        largest = f"largest crowd under the bound K={max(under)}" if under else "no crowd under the bound"
        lines.append(
            f"- {name}: holds {at_least}**{saturated.throughput:,.1f} new viewers/s** (K={saturated.k} "
            f"finished at that rate{' as fast as it arrived' if arrival_limited else ''}{ceiling}); "
            f"{largest}."
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crowd", description=__doc__)
    parser.add_argument("--url", required=True, help="a running app (or nginx) on this machine")
    parser.add_argument("-k", type=int, default=10, help=f"viewers (at most {MAX_VIEWERS})")
    parser.add_argument("--static", nargs="*", help="URL paths to GET instead of opening the app")
    parser.add_argument("--deadline", type=float, default=120.0, help="stop after this many seconds")
    parser.add_argument("--pid", type=int, nargs="*", default=[], help="server processes to read CPU from")
    args = parser.parse_args(argv)
    r = run_crowd(
        args.url,
        args.k,
        static_paths=args.static,
        server_pids=lambda: list(args.pid),
        deadline_s=args.deadline,
    )
    print(
        f"K={r.k}: p50 {_s(r.p50)}, p95 {_s(r.p95)}, failed {r.failed}, "
        f"{r.bytes_received / max(1, len(r.times)) / 1024:,.0f} KB/viewer, "
        f"server CPU {r.server_cpu_s:.2f} s, throughput {r.throughput:.1f}/s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
