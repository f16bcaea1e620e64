"""The nemosim command line: flags into the one config, and a listening socket that
serves keep-alive clients without Nagle delays."""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

import pytest

from simulator.cli import bind_socket, build_parser, config_from_args, main, serve
from simulator.config import SimConfig


def test_flags_file_and_overrides_make_one_config(tmp_path: Path) -> None:
    file = tmp_path / "sim.yaml"
    file.write_text("seed: 3\nrender:\n  seconds_min: 1\n  seconds_max: 2\n")
    args = build_parser().parse_args(
        ["serve", "--config", str(file), "--port", "0", "--log-level", "debug", "--set", "render.answer_style=wrapped"]
    )
    config = config_from_args(args)
    assert (config.seed, config.port, config.log_level) == (3, 0, "debug")
    assert (config.render.seconds_max, config.render.answer_style) == (2, "wrapped")


def test_a_bad_setting_is_a_message_and_exit_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--set", "render.answer_style=sideways"]) == 2
    assert "answer_style" in capsys.readouterr().err


def test_a_busy_port_is_a_message_not_a_traceback() -> None:
    with bind_socket("127.0.0.1", 0) as taken:
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as stopped:
            serve(SimConfig(port=port))
    assert f"cannot listen on 127.0.0.1:{port}" in str(stopped.value)


def test_accepted_connections_have_tcp_nodelay() -> None:
    """Without TCP_NODELAY each keep-alive answer waits ~40 ms for a delayed ACK."""

    async def accept_one() -> int:
        sock = bind_socket("127.0.0.1", 0)
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        async def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            client_sock = writer.get_extra_info("socket")
            accepted.set_result(client_sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_client, sock=sock)
        _, writer = await asyncio.open_connection(*sock.getsockname()[:2])
        nodelay = await asyncio.wait_for(accepted, 5)
        writer.close()
        server.close()
        await server.wait_closed()
        return nodelay

    assert asyncio.run(accept_one()) != 0


def test_verify_without_its_tools_says_what_to_install(monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "contracts.verify", None)  # as if schemathesis were not installed
    assert main(["verify", "--base-url", "http://127.0.0.1:9"]) == 2
    assert "pip install -e '.[verify]'" in capsys.readouterr().err
