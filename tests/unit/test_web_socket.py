"""The web server's listening socket: the connections it accepts send each write at once (TCP_NODELAY),
or an answer's body would wait for the client to acknowledge its headers, 40 ms a request."""

from __future__ import annotations

import asyncio
import socket

from deploy.web import listen


async def test_connections_the_web_server_accepts_send_without_waiting_for_acknowledgements() -> None:
    nodelay: list[int] = []

    async def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nodelay.append(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    sock = listen("127.0.0.1", 0)
    # asyncio's server takes the socket as uvicorn does, and sets what it sets on each connection.
    server = await asyncio.start_server(accepted, sock=sock)
    async with server:
        _, writer = await asyncio.open_connection(*sock.getsockname()[:2])
        for _ in range(100):
            if nodelay:
                break
            await asyncio.sleep(0.01)
        writer.close()
    [flag] = nodelay
    assert flag != 0
