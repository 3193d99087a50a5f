"""A lean HTTP/1.1 client for the web benchmark's timed requests: h11 over one asyncio connection.

httpx costs about 2.5 ms of CPU a request on the benchmark's machine, as much as the server's answer, and the
benchmark's clients share the cores with the server they measure (browsers would not). This client does only
what the timed requests need: GET on one kept-alive connection, the answer's status and body.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from urllib.parse import urlsplit

import h11

READ_SIZE = 1 << 16


class LeanConnection:
    """One kept-alive connection to `base` (http://host:port), sending `headers` with every request."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        parts = urlsplit(base)
        if parts.scheme != "http" or parts.hostname is None or parts.port is None:
            raise ValueError(f"{base} is not an http://host:port address.")
        self.host, self.port = parts.hostname, parts.port
        self.headers = [("Host", parts.netloc), *headers.items()]
        self.protocol = h11.Connection(h11.CLIENT)
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def __aenter__(self) -> LeanConnection:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()

    async def get(self, path: str) -> tuple[int, bytes]:
        """The status and body of `GET path`."""
        if self.reader is None or self.writer is None:
            raise ConnectionError("The connection is not open.")
        request = h11.Request(method="GET", target=path, headers=self.headers)
        self.writer.write(self.protocol.send(request) + (self.protocol.send(h11.EndOfMessage()) or b""))
        status, body = 0, bytearray()
        while True:
            event = self.protocol.next_event()
            if event is h11.NEED_DATA:
                data = await self.reader.read(READ_SIZE)
                if not data:
                    raise ConnectionError(f"The server closed the connection during GET {path}.")
                self.protocol.receive_data(data)
            elif isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                self.protocol.start_next_cycle()
                return status, bytes(body)
            elif isinstance(event, h11.ConnectionClosed):
                raise ConnectionError(f"The server closed the connection during GET {path}.")
