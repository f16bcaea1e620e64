"""nemo: the NemoVideo workflow from a shell. Point NEMO_API_URL at a running simulator
to do all of it offline.

    nemo token | credits | session | claim
    nemo upload FILE... [--url URL ...]
    nemo chat "add lo-fi BGM at 35%"
    nemo state
    nemo export -o out.mp4 [--resolution 1080p]
    nemo merge VIDEO AUDIO -o out.mp4
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from .api import NemoClient
from .config import ClientConfig
from .errors import ExportBlocked, FileTooLarge, NemoError, NoCredits, UnsupportedFile
from .render import RenderStatus
from .transport import Notice

MERGE_MESSAGE = "merge this audio and video into a single MP4 file"
BAR_WIDTH = 30


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nemo", description="The NemoVideo API from a shell.")
    parser.add_argument("--api-url", help="the service (default $NEMO_API_URL or the real one)")
    parser.add_argument("--quiet", action="store_true", help="no notices or progress on stderr")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("token", help="who this client is (user and client id; never prints the token)")
    commands.add_parser("credits", help="available, frozen and total credits")
    session = commands.add_parser("session", help="start a new project session")
    session.add_argument("--name", default="project")
    session.add_argument("--language", default="en")
    commands.add_parser("claim", help="a link that opens the project in a browser")
    upload = commands.add_parser("upload", help="upload files (and URLs) to the session")
    upload.add_argument("files", nargs="*", type=Path)
    upload.add_argument("--url", action="append", default=[], help="a media URL (repeatable)")
    chat = commands.add_parser("chat", help="send a message; prints the answer or what changed")
    chat.add_argument("message")
    commands.add_parser("state", help="the timeline in one line")
    export = commands.add_parser("export", help="render the timeline and download the MP4")
    _export_options(export)
    merge = commands.add_parser("merge", help="upload a video and an audio, merge them, export the MP4")
    merge.add_argument("video", type=Path)
    merge.add_argument("audio", type=Path)
    _export_options(merge)
    return parser


def _export_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("-o", "--output", type=Path, required=True)
    command.add_argument("--resolution", choices=["480p", "720p", "1080p"])
    command.add_argument("--poll-seconds", type=float, default=10.0, help="between render polls (default 10)")


class Say:
    """Notices and progress on stderr (nothing with --quiet); the answer goes to stdout."""

    def __init__(self, err: TextIO, quiet: bool) -> None:
        self.err = err
        self.quiet = quiet
        self.in_progress = False

    def line(self, text: str) -> None:
        if not self.quiet:
            self.end_progress()
            print(text, file=self.err, flush=True)

    def progress(self, text: str) -> None:
        """One line, redrawn in place until end_progress()."""
        if not self.quiet:
            print(f"\r{text}", end="", file=self.err, flush=True)
            self.in_progress = True

    def end_progress(self) -> None:
        if self.in_progress:
            print(file=self.err, flush=True)
            self.in_progress = False


def main(argv: Sequence[str] | None = None, *, client: NemoClient | None = None, out: TextIO = sys.stdout,
         err: TextIO = sys.stderr) -> int:  # fmt: skip
    args = build_parser().parse_args(argv)
    say = Say(err, args.quiet)
    nemo = client or NemoClient(
        ClientConfig.from_env(api_url=args.api_url),
        on_notice=lambda notice: say.line(_notice_line(notice)),
        poll_seconds=getattr(args, "poll_seconds", 10.0),
    )
    try:
        return _run(args, nemo, out, say)
    except NemoError as error:
        say.end_progress()
        print(f"nemo: {_explain(error)}", file=err)
        return 1
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace, nemo: NemoClient, out: TextIO, say: Say) -> int:
    command = args.command
    if command == "token":
        who = nemo.token()
        print(f"user {who['user_id']}  client {who['client_id']}", file=out)
    elif command == "credits":
        credits = nemo.credits()
        print(f"available {credits['available']}  frozen {credits['frozen']}  total {credits['total']}", file=out)
    elif command == "session":
        print(nemo.new_session(args.name, args.language), file=out)
    elif command == "claim":
        print(nemo.claim()["url"], file=out)
    elif command == "upload":
        items = (nemo.upload(args.files) if args.files else []) + (nemo.upload_urls(args.url) if args.url else [])
        for item in items:
            seconds = f"{item['duration']:g}s" if item.get("duration") else "?s"
            print(f"{item['file_type']:<6} {item['filename']}  {seconds}", file=out)
    elif command == "chat":
        _print_chat(nemo.chat(args.message), out)
    elif command == "state":
        print(nemo.summary(), file=out)
    elif command == "export":
        _export(nemo, args, out, say)
    elif command == "merge":
        nemo.new_session("merge")
        nemo.upload([args.video, args.audio])
        _print_chat(nemo.chat(MERGE_MESSAGE), out)
        _export(nemo, args, out, say)
    return 0


def _print_chat(result, out: TextIO) -> None:
    print(result.text, file=out)
    for hint in result.hints:
        print(f"  ({hint})", file=out)


def _export(nemo: NemoClient, args: argparse.Namespace, out: TextIO, say: Say) -> None:
    def progress(status: RenderStatus) -> None:
        done = int((status.progress or 0) * BAR_WIDTH / 100)
        say.progress(f"export [{'#' * done}{' ' * (BAR_WIDTH - done)}] {status.progress or 0:>3}% {status.status}")

    try:
        result = nemo.export(args.output, resolution=args.resolution, on_progress=progress)
    finally:
        say.end_progress()
    print(f"{result.path} ({result.size} bytes)", file=out)


def _notice_line(notice: Notice) -> str:
    return f"nemo: {notice.detail}"


def _explain(error: NemoError) -> str:
    """The error, plus what the user can do about it."""
    if isinstance(error, NoCredits):
        where = f" Register to get more: {error.register_url}" if error.register_url else " Top up your balance."
        return f"not enough credits.{where}"
    if isinstance(error, ExportBlocked):
        return "export is blocked by your plan (not a credits problem): register or upgrade."
    if isinstance(error, UnsupportedFile):
        formats = "; ".join(f"{kind}: {', '.join(exts)}" for kind, exts in error.formats.items())
        return f"unsupported file. Supported: {formats or 'see the service documentation'}"
    if isinstance(error, FileTooLarge):
        limit = f" (limit {error.max_bytes / 1e6:g} MB)" if error.max_bytes else ""
        return f"file too large{limit}: compress or trim it first."
    return str(error)


if __name__ == "__main__":
    sys.exit(main())
