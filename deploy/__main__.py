"""``python -m deploy`` (or ``deploy/run``): N Streamlit replicas behind nginx on one machine.

  up      write <run dir>/nginx.conf, start the replicas and nginx, watch them (Ctrl-C stops all)
  config  only write <run dir>/nginx.conf (and the precompressed bundle) and print its path
  check   probe each replica's /_stcore/health and nginx's; exit 1 if any fails
  down    stop what a detached `up` started in this run directory

See deploy/README.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from deploy.healthcheck import Supervisor, probe_run_dir
from deploy.stack import PROJECT, Settings, Stack, stop_from_state


def _settings(args: argparse.Namespace) -> Settings:
    return Settings(
        replicas=args.replicas,
        base_port=args.base_port,
        listen_port=args.listen,
        listen_address=args.address,
        project_dir=args.project,
        data_dir=args.data_dir,
        audience_dir=args.audience_dir,
        run_dir=args.run_dir,
        post_script_gc=not getattr(args, "no_post_script_gc", False),
    )


def cmd_config(args: argparse.Namespace) -> int:
    stack = Stack(_settings(args))
    print(stack.write_config())
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    if args.detach:
        # Re-run ourselves in the background, in a session of our own, logging to the run dir.
        settings = _settings(args)
        assert settings.run_dir is not None
        (settings.run_dir / "logs").mkdir(parents=True, exist_ok=True)
        log = settings.run_dir / "logs" / "supervisor.log"
        argv = [a for a in sys.argv[1:] if a != "--detach"]
        subprocess.Popen(
            [sys.executable, "-m", "deploy", *argv],
            cwd=Path(__file__).resolve().parents[1],
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(1200):
            if (settings.run_dir / "stack.json").is_file():
                print(f"up: {settings.url} (run dir {settings.run_dir})")
                print(f"stop: python -m deploy down --run-dir {settings.run_dir}")
                return 0
            time.sleep(0.1)
        print(f"error: not up after 120 s; see {log}", file=sys.stderr)
        return 1

    stack = Stack(_settings(args))
    stopping = False

    def on_signal(signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    stack.start()
    s = stack.settings
    print(f"up: {stack.url}  ({s.replicas} replicas on ports {s.ports[0]}-{s.ports[-1]}, data {s.data_dir})")
    print(f"run dir {stack.run_dir}: nginx.conf, logs/, stack.json. Ctrl-C or `python -m deploy down` stops.")
    sys.stdout.flush()
    supervisor = Supervisor(stack, log=lambda m: print(time.strftime("%H:%M:%S"), m, flush=True))
    try:
        while not stopping:
            for _ in range(int(args.check_interval * 10)):
                if stopping:
                    break
                time.sleep(0.1)
            if not stopping:
                supervisor.tick()
    finally:
        print("stopping nginx, then the replicas", flush=True)
        stack.stop()
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    run_dir = args.run_dir or _settings(args).run_dir
    try:
        probes = probe_run_dir(Path(run_dir), timeout_s=args.timeout)
    except FileNotFoundError:
        print(f"nothing running in {run_dir} (no stack.json)", file=sys.stderr)
        return 2
    for p in probes:
        print(p.line())
    return 0 if all(p.ok for p in probes) else 1


def cmd_down(args: argparse.Namespace) -> int:
    run_dir = args.run_dir or _settings(args).run_dir
    for line in stop_from_state(Path(run_dir)):
        print(line)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m deploy", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func, text in (
        ("up", cmd_up, "start replicas + nginx and watch them"),
        ("config", cmd_config, "write nginx.conf into the run directory only"),
        ("check", cmd_check, "probe /_stcore/health of each replica and of nginx"),
        ("down", cmd_down, "stop a detached `up`"),
    ):
        p = sub.add_parser(name, help=text)
        p.set_defaults(func=func)
        p.add_argument("--replicas", "-n", type=int, default=int(os.environ.get("ER_REPLICAS", 2)))
        p.add_argument("--base-port", type=int, default=8601, help="replica i listens on base+i (127.0.0.1)")
        p.add_argument("--listen", type=int, default=8080, help="nginx's port (default 8080)")
        p.add_argument(
            "--address", default="127.0.0.1", help="nginx's address; 0.0.0.0 to serve the venue's Wi-Fi"
        )
        p.add_argument("--project", type=Path, default=PROJECT, help="the checkout with app.py and static/")
        p.add_argument("--data-dir", type=Path, default=None, help="shared by every replica (default: data/)")
        p.add_argument("--audience-dir", type=Path, default=None, help="static site served at /audience/")
        p.add_argument("--run-dir", type=Path, default=None, help="default: $TMPDIR/escape-route-<listen>")
        if name == "up":
            p.add_argument("--detach", action="store_true", help="run in the background")
            p.add_argument("--check-interval", type=float, default=5.0, help="seconds between health probes")
            p.add_argument(
                "--no-post-script-gc",
                action="store_true",
                help="skip Streamlit's gc.collect() after every run (about a third less CPU per viewer)",
            )
        if name == "check":
            p.add_argument("--timeout", type=float, default=2.0)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
