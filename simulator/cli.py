"""nemosim: run the simulator.

nemosim serve [--host H] [--port P] [--seed N] [--config FILE] [--log-level L] [--set key=value ...]
nemosim verify --base-url URL [--token T] [--allow-spend] [--junit FILE]   (contracts/verify.py)
"""

from __future__ import annotations

import argparse
import socket
import sys
from collections.abc import Sequence

from contracts.options import add_verify_options

from . import __version__
from .config import ConfigError, SimConfig, load_config, parse_override


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nemosim", description="An offline twin of the NemoVideo API.")
    parser.add_argument("--version", action="version", version=f"nemosim {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the simulator under uvicorn")
    serve.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 8765; 0 picks a free one)")
    serve.add_argument("--seed", type=int, help="seed of the random source (default 0)")
    serve.add_argument("--config", metavar="FILE", help="YAML or TOML config file")
    serve.add_argument("--log-level", choices=["critical", "error", "warning", "info", "debug", "trace"])
    serve.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="override one setting, e.g. --set render.seconds_min=5 (repeatable)",
    )
    verify = commands.add_parser("verify", help="check a base URL against openapi.yaml and the behaviour flows")
    add_verify_options(verify)
    return parser


def config_from_args(args: argparse.Namespace) -> SimConfig:
    overrides = dict(parse_override(item) for item in args.set)
    for name in ("host", "port", "seed", "log_level"):
        value = getattr(args, name)
        if value is not None:
            overrides[name] = value
    return load_config(args.config, overrides=overrides)


def bind_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port (port 0: a free one), not yet listening."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio turns on TCP_NODELAY only for sockets whose proto
    # says TCP, and without it every keep-alive answer waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def serve(config: SimConfig) -> None:
    import uvicorn

    from .http.app import create_app

    # Binding the socket here gives the real port (also for --port 0) before serving.
    try:
        sock = bind_socket(config.host, config.port)
    except OSError as exc:
        raise SystemExit(f"nemosim: cannot listen on {config.host}:{config.port}: {exc.strerror}") from None
    host, port = sock.getsockname()[:2]
    app = create_app(config)
    # Listening before the banner: a client that acts on it at once waits in the backlog
    # until uvicorn accepts, instead of being refused.
    sock.listen(2048)
    base = f"http://[{host}]:{port}" if sock.family == socket.AF_INET6 else f"http://{host}:{port}"
    print(f"nemosim {__version__} listening on {base}  (seed {config.seed})", flush=True)
    print(f"  contract: {base}/openapi.yaml   docs: {base}/docs", flush=True)
    print(f"  try: curl -s -X POST {base}/api/auth/anonymous-token -H 'X-Client-Id: my-first-client'", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level=config.log_level, server_header=False))
    server.run(sockets=[sock])


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "verify":
        try:
            from contracts.verify import main as verify_main  # schemathesis: only this command needs it
        except ImportError as exc:
            print(f"nemosim verify needs {exc.name}: pip install -e '.[verify]' (make test installs it too)",
                  file=sys.stderr)  # fmt: skip
            return 2
        return verify_main(args)
    try:
        config = config_from_args(args)
    except ConfigError as exc:
        print(f"nemosim: {exc}", file=sys.stderr)
        return 2
    if args.command == "serve":
        try:
            serve(config)
        except KeyboardInterrupt:  # Ctrl-C before uvicorn installed its own handler
            return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
