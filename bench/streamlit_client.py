"""A Streamlit viewer without a browser: the requests and the websocket session a browser makes.

What a browser does when it opens the app (Streamlit 1.67's frontend, read from its
bundle and ``streamlit/web/server/starlette/starlette_websocket.py``):

1. ``GET /`` (index.html), then every file it references (``./static/js/...`` module
   script and modulepreloads, the CSS, the font preload, the favicon), six at a time
   over keep-alive connections, as a browser does per host.
2. ``GET /_stcore/health`` (which sets the ``_streamlit_xsrf`` cookie) and
   ``GET /_stcore/host-config``.
3. A websocket to ``/_stcore/stream`` with ``Sec-WebSocket-Protocol: streamlit, <xsrf
   token or PLACEHOLDER_AUTH_TOKEN>[, <last session id>]``: the server picks the first
   entry, reads the XSRF token from the second and reconnects to the session in the
   third. It sends nothing until the client asks for a run.
4. A ``BackMsg.rerun_script`` with a ``ClientState``: ``page_name`` is the URL path
   relative to the app (``""`` for the default page, ``"presenter"``),
   ``query_string`` the URL's query without ``?``, ``context_info`` the timezone,
   locale and URL. The server answers with ``ForwardMsg``s: ``new_session`` (with
   ``initialize.session_id``), ``page_config_changed``, ``delta``s (the page's
   elements), and ``script_finished``. ``FINISHED_SUCCESSFULLY`` ends a full run;
   ``FINISHED_EARLY_FOR_RERUN`` means another run follows (``st.rerun``, a page
   switch).
5. The map's iframe: ``/component/<name>/index.html``, its files, and the vendored
   Leaflet the map's HTML loads from ``/app/static/``.

Not fetched: the lazy JS chunks the frontend imports per element type once it runs
(vega-embed, arrow, the DataFrame: ~76 files, ~2.8 MB for the Route Map per
``shared/PERF-NOTES.md``); knowing them needs a JavaScript engine. So bytes are an
undercount of a real first visit.

Only loopback addresses are accepted (``require_loopback``): this is a load generator.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import html
import ipaddress
import re
import socket
import time
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

MAX_CONNECTIONS_PER_HOST = 6
USER_AGENT = "escape-route-crowd/1 (protocol-level viewer)"
#: Files index.html references: the module script, modulepreloads, the stylesheet, font, favicon.
_REF = re.compile(r"""(?:src|href)\s*=\s*["'](\./[^"']+)["']""")
#: Vendored files the map's HTML loads (in a component's JSON arguments, quotes escaped).
_APP_STATIC_REF = re.compile(r"""/app/static/[^"'\s\\<>]+""")


def require_loopback(url: str) -> tuple[str, int]:
    """(host, port) of an ``http://`` URL on this machine; ValueError for anything else.

    Names are not resolved: only ``localhost`` and literal loopback addresses
    (127.0.0.0/8, ::1) pass, so no DNS answer can point the load elsewhere.
    """
    parts = urlsplit(url)
    if parts.scheme != "http":
        raise ValueError(f"only http:// URLs on this machine: {url!r}")
    host = parts.hostname or ""
    if host != "localhost":
        try:
            if not ipaddress.ip_address(host).is_loopback:
                raise ValueError(f"refusing a non-loopback address: {url!r}")
        except ValueError as exc:
            raise ValueError(f"refusing a non-loopback address: {url!r}") from exc
    return host, parts.port or 80


class HttpError(Exception):
    pass


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    wire_bytes: int


class Viewer:
    """One viewer's HTTP side: cookies, up to six keep-alive connections, bytes on the wire."""

    def __init__(self, base_url: str, timeout_s: float = 30.0) -> None:
        self.host, self.port = require_loopback(base_url)
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.cookies: dict[str, str] = {}
        self.bytes_received = 0
        self.requests = 0
        self.upstreams: list[str] = []
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._slots = asyncio.Semaphore(MAX_CONNECTIONS_PER_HOST)

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _remember_cookie(self, value: str) -> None:
        name, _, rest = value.partition("=")
        self.cookies[name.strip()] = rest.split(";", 1)[0].strip()

    async def get(self, path: str) -> Response:
        async with self._slots:
            reused = bool(self._idle)
            reader, writer = self._idle.pop() if reused else await self._connect()
            try:
                response, keep = await self._exchange_or_close(reader, writer, path)
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                # An idle keep-alive connection the server closed meanwhile (uvicorn closes them
                # after 5 s): like a browser, send the GET again on a new connection, once.
                if not reused or (isinstance(exc, asyncio.IncompleteReadError) and exc.partial):
                    raise
                reader, writer = await self._connect()
                response, keep = await self._exchange_or_close(reader, writer, path)
            if keep:
                self._idle.append((reader, writer))
            else:
                writer.close()
            return response

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.wait_for(asyncio.open_connection(self.host, self.port), self.timeout_s)

    async def _exchange_or_close(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str
    ) -> tuple[Response, bool]:
        """``_exchange`` within the timeout; a connection it fails on is closed, never reused."""
        try:
            return await asyncio.wait_for(self._exchange(reader, writer, path), self.timeout_s)
        except BaseException:
            writer.close()
            raise

    async def _exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str
    ) -> tuple[Response, bool]:
        """One GET on an open connection; the response, and whether the connection can be used again."""
        writer.write(self._request(path))
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status, headers = self._parse_head(head)
        body, body_wire, until_close = await _read_body(reader, headers)
        keep = headers.get("connection", "").lower() != "close" and not until_close
        wire = len(head) + body_wire
        self.bytes_received += wire
        self.requests += 1
        if "x-upstream" in headers:
            self.upstreams.append(headers["x-upstream"])
        body = _decompress(body, headers.get("content-encoding", ""))
        if status >= 400:
            raise HttpError(f"GET {path}: HTTP {status}")
        return Response(status, headers, body, wire), keep

    def _request(self, path: str) -> bytes:
        """The request a browser would send, with the cookies this viewer was given."""
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"User-Agent: {USER_AGENT}",
            "Accept: */*",
            # What a browser offers, minus br: nothing here could decode it to read index.html.
            "Accept-Encoding: gzip, deflate",
            "Connection: keep-alive",
        ]
        if self.cookies:
            lines.append(f"Cookie: {self.cookie_header()}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _parse_head(self, head: bytes) -> tuple[int, dict[str, str]]:
        """Status and headers (names lower-case); cookies are remembered here, as a browser stores them."""
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        for line in header_lines:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                self._remember_cookie(value)
            headers[name] = value
        return status, headers

    async def get_all(self, paths: list[str]) -> list[Response]:
        return list(await asyncio.gather(*(self.get(p) for p in paths)))

    async def close(self) -> None:
        for _, writer in self._idle:
            writer.close()
        self._idle.clear()


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> tuple[bytes, int, bool]:
    """The body as sent, the bytes it took on the wire, and whether it ran until the server closed.

    A body with neither chunks nor a length ends when the connection does, so that
    connection cannot be kept.
    """
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body, wire = await _read_chunked(reader)
        return body, wire, False
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
        return body, len(body), False
    body = await reader.read()
    return body, len(body), True


async def _read_chunked(reader: asyncio.StreamReader) -> tuple[bytes, int]:
    """A chunked body and its size on the wire (the size lines and CRLFs count: they are bytes received)."""
    chunks = []
    wire = 0
    while True:
        size_line = await reader.readuntil(b"\r\n")
        wire += len(size_line)
        size = int(size_line.split(b";")[0], 16)
        chunk = await reader.readexactly(size + 2)
        wire += len(chunk)
        if size == 0:
            break
        chunks.append(chunk[:-2])
    return b"".join(chunks), wire


def _decompress(body: bytes, encoding: str) -> bytes:
    """The body as the page reads it (the wire count keeps the compressed size)."""
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    return body


@dataclass
class SessionRun:
    """What one websocket session saw until its first full run finished."""

    session_id: str = ""
    upstream: str = ""
    page_title: str = ""
    texts: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    app_static: set[str] = field(default_factory=set)
    exceptions: list[str] = field(default_factory=list)
    messages: int = 0
    bytes_received: int = 0
    first_message_s: float | None = None
    finished_s: float | None = None
    status: str = ""
    #: The fragments the page drew (``st.fragment``), in order: ``run(fragment_id=…)`` reruns one alone.
    fragment_ids: list[str] = field(default_factory=list)
    #: Elements received that belong to each fragment (by id), over all runs of this session.
    deltas_by_fragment: dict[str, int] = field(default_factory=dict)


def plain(markdown: str) -> str:
    """Markdown as the viewer reads it, for comparisons: the escapes ``geo.text.md`` writes removed
    (backslashes, character references such as ``&#58;``, invisible word joiners)."""
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown)).replace("\u2060", "")


def _element_texts(element) -> list[str]:
    kind = element.WhichOneof("type")
    if kind in ("heading", "markdown", "alert", "text", "caption"):
        return [getattr(element, kind).body]
    if kind == "metric":
        return [element.metric.label, element.metric.body]
    if kind in ("selectbox", "multiselect", "radio"):
        inner = getattr(element, kind)
        return [inner.label, *inner.options]
    if kind == "button_group":
        return [o.content for o in element.button_group.options]
    return []


class Session:
    """A websocket session as Streamlit's frontend opens it; ``run()`` asks for one full run."""

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self.ws = None
        self.result = SessionRun()

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        xsrf = self.viewer.cookies.get("_streamlit_xsrf") or "PLACEHOLDER_AUTH_TOKEN"
        headers = {"Origin": self.viewer.base_url, "User-Agent": USER_AGENT}
        if self.viewer.cookies:
            headers["Cookie"] = self.viewer.cookie_header()
        url = f"ws://{self.viewer.host}:{self.viewer.port}/_stcore/stream"
        self.ws = await asyncio.wait_for(
            connect(
                url,
                subprotocols=["streamlit", xsrf],  # type: ignore[list-item]
                additional_headers=headers,
                compression=None,  # Streamlit's default: server.enableWebsocketCompression = false
                max_size=None,
                open_timeout=self.viewer.timeout_s,
                ping_interval=None,
            ),
            self.viewer.timeout_s,
        )
        self.result.upstream = self.ws.response.headers.get("X-Upstream", "")

    async def run(self, page_name: str = "", query_string: str = "", fragment_id: str = "") -> SessionRun:
        """Send ``rerun_script`` and read until ``script_finished`` ends a full run, or with
        ``fragment_id``, that fragment's own run (what a click inside it asks for)."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        assert self.ws is not None, "open() first"
        start = time.perf_counter()
        msg = self._rerun_script(page_name, query_string)
        msg.rerun_script.fragment_id = fragment_id
        await self.ws.send(msg.SerializeToString())
        result = self.result
        while True:
            self._ack_now()
            data = await self.ws.recv()
            if result.first_message_s is None:
                result.first_message_s = time.perf_counter() - start
            result.messages += 1
            result.bytes_received += len(data)
            self.viewer.bytes_received += len(data)
            fm = ForwardMsg()
            fm.ParseFromString(data)
            fragment_done = (
                fragment_id
                and fm.WhichOneof("type") == "script_finished"
                and fm.script_finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
            )
            if self._record(fm) or fragment_done:
                result.finished_s = time.perf_counter() - start
                result.status = ForwardMsg.ScriptFinishedStatus.Name(fm.script_finished)
                return result

    def _ack_now(self) -> None:
        """Acknowledge what arrives at once (Linux ``TCP_QUICKACK``, which the kernel drops again after
        a while, hence before every read). Otherwise a delayed ACK (40 ms) meets Nagle on the server's
        side, whose small messages then wait for it: a rerun would read as multiples of 40 ms, whatever
        the server did."""
        sock = self.ws.transport.get_extra_info("socket") if self.ws is not None else None
        if sock is None or not hasattr(socket, "TCP_QUICKACK"):
            return
        # Closed under us: the read that follows says so, or returns what was buffered.
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)

    def _rerun_script(self, page_name: str, query_string: str) -> Any:
        """The ``BackMsg`` the frontend sends to ask for a run of a page, with a browser's context."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = query_string
        state.page_name = page_name
        state.context_info.timezone = "UTC"
        state.context_info.timezone_offset = 0
        state.context_info.locale = "en-US"
        state.context_info.url = self.viewer.base_url + _page_path(page_name, query_string)
        state.context_info.is_embedded = False
        state.context_info.color_scheme = "light"
        return msg

    def _record(self, fm: Any) -> bool:
        """Keep what the viewer would see from one ``ForwardMsg``; True once it ends a full run.

        ``FINISHED_EARLY_FOR_RERUN`` (another run follows) and a fragment's own run do not end it.
        """
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        result = self.result
        kind = fm.WhichOneof("type")
        if kind == "new_session":
            result.session_id = fm.new_session.initialize.session_id or result.session_id
        elif kind == "page_config_changed" and fm.page_config_changed.title:
            result.page_title = fm.page_config_changed.title
        elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
            self._record_element(fm.delta.new_element)
        if kind == "delta" and fm.delta.fragment_id:
            by_id = result.deltas_by_fragment
            by_id[fm.delta.fragment_id] = by_id.get(fm.delta.fragment_id, 0) + 1
            if fm.delta.fragment_id not in result.fragment_ids:
                result.fragment_ids.append(fm.delta.fragment_id)
        elif kind == "session_event" and fm.session_event.HasField("script_compilation_exception"):
            result.exceptions.append(fm.session_event.script_compilation_exception.message)
        elif kind == "script_finished":
            return fm.script_finished not in (
                ForwardMsg.FINISHED_EARLY_FOR_RERUN,
                ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
            )
        return False

    def _record_element(self, element: Any) -> None:
        """An element's text; for the map, its component and the vendored files its HTML loads."""
        result = self.result
        result.texts += [plain(t) for t in _element_texts(element)]
        etype = element.WhichOneof("type")
        if etype == "component_instance":
            result.components.append(element.component_instance.component_name)
            result.app_static.update(_APP_STATIC_REF.findall(element.component_instance.json_args))
        elif etype == "exception":
            result.exceptions.append(f"{element.exception.type}: {element.exception.message}")

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


@dataclass
class Visit:
    """A viewer's first visit: page, bundle, probes, websocket, first full run, the map's iframe."""

    session: SessionRun
    viewer: Viewer
    handle: Session
    time_to_run_s: float
    bundle_files: int


async def visit(
    base_url: str, page_name: str = "", query_string: str = "", timeout_s: float = 60.0, bundle: bool = True
) -> Visit:
    """Open the app as a fresh browser would; returns once the first full run has finished.

    With ``bundle``, the map's iframe and its files are fetched after that run and
    before returning; ``time_to_run_s`` stops at the run and does not include them.
    The websocket stays open (``visit.handle``) so a crowd keeps its sessions alive, as
    phones would; close it with ``await visit.handle.close()``.
    """
    start = time.perf_counter()
    viewer = Viewer(base_url, timeout_s=timeout_s)
    files: list[str] = []
    index = await viewer.get(_page_path(page_name, query_string))
    if bundle:
        files = sorted({urljoin("/", ref[2:]) for ref in _REF.findall(index.body.decode("utf-8", "replace"))})
        await viewer.get_all(files)
    await viewer.get_all(["/_stcore/health", "/_stcore/host-config"])
    handle = Session(viewer)
    await handle.open()
    run = await handle.run(page_name=page_name, query_string=query_string)
    elapsed = time.perf_counter() - start
    if bundle:
        await _fetch_iframes(viewer, run)
    return Visit(run, viewer, handle, elapsed, len(files))


def _page_path(page_name: str, query_string: str) -> str:
    """A page's path and query, as in the browser's address bar (``/presenter?lang=ko``)."""
    return f"/{page_name}" + (f"?{query_string}" if query_string else "")


async def _fetch_iframes(viewer: Viewer, run: SessionRun) -> None:
    """The component iframe's page and files, and the vendored files the map loads."""
    for name in dict.fromkeys(run.components):
        base = f"/component/{name}/"
        index = await viewer.get(base + "index.html")
        refs = _REF.findall(index.body.decode("utf-8", "replace"))
        await viewer.get_all([urljoin(base, ref[2:]) for ref in refs])
    await viewer.get_all(sorted(run.app_static))
