"""A TLS front for a plain-text Temporal server: it requires a client certificate from its CA, then relays."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path


async def _pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while chunk := await source.read(65536):
            sink.write(chunk)
            await sink.drain()
    sink.close()


@dataclass
class TlsFront:
    """Listens on loopback with the server certificate of `certs`, as a frontend that requires mTLS would."""

    certs: Path
    upstream: tuple[str, int]
    clients: list[str] = field(default_factory=list)

    def _context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.certs / "server.pem", self.certs / "server.key")
        context.load_verify_locations(self.certs / "ca.pem")
        context.verify_mode = ssl.CERT_REQUIRED
        # gRPC speaks HTTP/2, which clients ask for by ALPN.
        context.set_alpn_protocols(["h2"])
        return context

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peercert") or {}
        names = [value for rdn in peer.get("subject", ()) for key, value in rdn if key == "commonName"]
        self.clients.extend(names)
        upstream_reader, upstream_writer = await asyncio.open_connection(*self.upstream)
        await asyncio.gather(_pump(reader, upstream_writer), _pump(upstream_reader, writer))

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[str]:
        """The front's address while it serves."""
        server = await asyncio.start_server(self._relay, "127.0.0.1", 0, ssl=self._context())
        port = server.sockets[0].getsockname()[1]
        async with server:
            yield f"127.0.0.1:{port}"
