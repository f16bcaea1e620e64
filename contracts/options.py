"""The options of `nemosim verify`, kept apart from the suite so that the simulator's CLI
can list them without importing schemathesis (which only `verify` itself needs)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_verify_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--base-url", required=True, help="the service to check, e.g. http://127.0.0.1:8765")
    parser.add_argument("--token", help="an API token to use (default: $NEMO_TOKEN, else an anonymous one)")
    parser.add_argument("--allow-spend", action="store_true", help="also run what costs credits")
    parser.add_argument("--junit", type=Path, metavar="FILE", help="write a JUnit XML report")
    parser.add_argument("--control-secret", help="the simulator's control.secret, if it has one")
    parser.add_argument("--max-examples", type=int, default=10, help="generated requests per operation (default 10)")
    parser.add_argument("--flow", action="append", default=[], help="run only this flow (repeatable)")
    parser.add_argument("--no-schemathesis", action="store_true", help="run the flows only")
    return parser
