"""The web benchmark's lean client reads whole answers, sized or chunked, on one kept-alive connection."""

from __future__ import annotations

import asyncio

import pytest

from bench.lean import LeanConnection

SIZED = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
CHUNKED = b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"


async def serve(answers: list[bytes], seen: list[bytes]) -> asyncio.Server:
    """A server that answers each request on a connection with the next of `answers`, then closes it."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for reply in answers:
            seen.append(await reader.readuntil(b"\r\n\r\n"))
            writer.write(reply)
            await writer.drain()
        writer.close()

    return await asyncio.start_server(answer, "127.0.0.1", 0)


async def test_answers_sized_and_chunked_arrive_whole_on_one_connection() -> None:
    seen: list[bytes] = []
    server = await serve([SIZED, CHUNKED], seen)
    port = server.sockets[0].getsockname()[1]
    async with server, LeanConnection(f"http://127.0.0.1:{port}", {"Cookie": "s=1"}) as lean:
        assert await lean.get("/a") == (200, b"hello")
        assert await lean.get("/b?x=1") == (404, b"abcde")
    assert [request.split(b"\r\n")[0] for request in seen] == [b"GET /a HTTP/1.1", b"GET /b?x=1 HTTP/1.1"]
    assert all(b"cookie: s=1" in request.lower() for request in seen)


async def test_a_connection_the_server_closes_mid_answer_is_an_error() -> None:
    seen: list[bytes] = []
    server = await serve([b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"], seen)
    port = server.sockets[0].getsockname()[1]
    async with server, LeanConnection(f"http://127.0.0.1:{port}", {}) as lean:
        with pytest.raises(ConnectionError, match="closed the connection"):
            await lean.get("/")


def test_only_a_plain_http_address_with_a_port_is_taken() -> None:
    with pytest.raises(ValueError, match="not an http://host:port address"):
        LeanConnection("https://example.org", {})
