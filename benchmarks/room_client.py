"""A browser-free Streamlit client: one simulated viewer over Streamlit's own websocket protocol.

Used by bench_room.py (a room of N viewers), bench_rss.py and tests/test_room_client.py. It speaks the protocol
the way Streamlit 1.67's frontend does, as read from the installed package (web/server/starlette/
starlette_websocket.py, runtime/app_session.py, the proto/ files):

1. Plain HTTP first, with one cookie jar per session: GET the page (/Explorer), /_stcore/health and
   /_stcore/host-config, as the browser does before it opens the socket. A load balancer's sticky-session cookie
   (HAProxy `cookie SRV insert`) arrives here and is sent with the websocket upgrade, so one session stays on one
   replica. Streamlit's own `_streamlit_xsrf` cookie also arrives here.
2. Websocket to /_stcore/stream. The server re-purposes Sec-WebSocket-Protocol as a list:
   ["streamlit", <xsrf cookie value>, <session id to resume>]; it selects the first. The XSRF entry is only
   checked for auth cookies and no Origin header is required from non-browser clients; we still send both
   like a browser. We never resume a session.
3. Nothing arrives until the client sends BackMsg{rerun_script: ClientState}. The first one names the page by
   `page_name` (the script name without its number prefix, "" for the main page) with an empty
   `page_script_hash`; later ones send the page's hash as the server reported it (new_session /
   navigation). Each run streams ForwardMsgs: session_status_changed, new_session (every run, not only the
   first), navigation, page_config_changed, one delta per element/block (its position in
   metadata.delta_path), page_info_changed when the script writes the query string, then script_finished.
   A run that st.rerun()s finishes with FINISHED_EARLY_FOR_RERUN and a new run follows on the same request.
4. Widget values go back as WidgetStates keyed by widget id. A keyed widget's id is `$$ID-<hash>-<key>` with a
   hash of its parameters (label included), so ids are discovered from the deltas by key, never hard-coded.
   A slider's value is a double_array_value ([v], even for an int slider), a selectbox's the option's text.
   Widgets bound to the URL (`bind="query-params"`) are written to the address bar by the frontend, not by the
   server (no page_info_changed comes back), so this client edits its query string itself.
5. The frontend keeps a cache of large element messages (metadata.cacheable, >= 10 kB) and lists their hashes in
   ClientState.cached_message_hashes; the server then sends a small `ref_hash` message instead of an element
   the client already has. This client keeps the same cache (dropped after 2 runs unused, the server's
   default maxCachedMessageAge), so its byte counts are what a browser would receive.

Bytes: `payload_bytes` sums the websocket message sizes (protobuf, after any permessage-deflate);
`wire_bytes` counts what the TCP socket delivered (frames, headers, compressed data).
"""
from __future__ import annotations

import asyncio
import contextlib
import decimal
import http.cookiejar
import re
import time
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

MAX_CACHED_MESSAGE_AGE = 2  # runs; Streamlit's global.maxCachedMessageAge default
WIDGET_ID = re.compile(r"^\$\$ID-[0-9a-f]+-(.+)$")
STATUS = {ForwardMsg.FINISHED_SUCCESSFULLY: "ok", ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile error",
          ForwardMsg.FINISHED_EARLY_FOR_RERUN: "early for rerun",
          ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "fragment ok"}


class SessionError(RuntimeError):
    """The server went away, a run timed out, or it could not be asked for what we wanted."""


class _CountingConnection(ClientConnection):
    """A websockets connection that counts the raw bytes TCP delivered to it."""

    wire_bytes = 0

    def data_received(self, data: bytes) -> None:
        self.wire_bytes += len(data)
        super().data_received(data)


@dataclass
class Widget:
    """A widget seen in the last run: its id, element type (slider, checkbox, ...) and element proto."""

    key: str
    id: str
    kind: str
    proto: object

    @property
    def query_key(self) -> str | None:
        """The query parameter this widget is bound to, if any."""
        return self.proto.query_param_key if self.proto.HasField("query_param_key") else None

    def state(self, value) -> WidgetState:
        """The WidgetState the frontend sends for this widget holding value."""
        ws = WidgetState(id=self.id)
        if self.kind == "slider" and self.proto.type == type(self.proto).SELECT_SLIDER:
            values = list(value) if isinstance(value, (list, tuple)) else [value]  # the options' text, e.g. "37"
            ws.string_array_value.data.extend(str(v) for v in values)
        elif self.kind == "slider":
            values = list(value) if isinstance(value, (list, tuple)) else [value]
            ws.double_array_value.data.extend(float(v) for v in values)
        elif self.kind == "checkbox":
            ws.bool_value = bool(value)
        elif self.kind in ("selectbox", "text_input", "text_area"):
            ws.string_value = str(value)
        elif self.kind == "number_input":
            if self.proto.data_type == type(self.proto).INT:
                ws.int_value = int(value)
            else:
                ws.double_value = float(value)
        else:
            raise SessionError(f"setting a {self.kind} widget ({self.key}) is not implemented")
        return ws

    def grid(self) -> list[float]:
        """Every value a single slider can take (min, min + step, ..., max), rounded as the step allows."""
        if self.kind != "slider":
            raise SessionError(f"{self.key} is a {self.kind}, not a slider")
        p = self.proto
        if p.type == type(p).SELECT_SLIDER:  # its marks (L: 1..50, then coarser), as numbers
            return [int(o) if o.lstrip("-").isdigit() else float(o) for o in p.options]
        n = int(round((p.max - p.min) / p.step))
        # as many decimals as the step and the minimum have, so -12 + 1 * 0.01 is -11.99, not -11.990000000000002
        digits = max(0, *(-decimal.Decimal(repr(x)).as_tuple().exponent for x in (p.step, p.min)))
        values = [round(p.min + i * p.step, digits) for i in range(n + 1)]
        return [int(v) for v in values] if p.data_type == type(p).INT else values


@dataclass
class RunResult:
    """One request -> script_finished round trip."""

    latency: float  # seconds from sending the BackMsg to receiving script_finished
    payload_bytes: int = 0  # sum of websocket message sizes
    wire_bytes: int = 0  # raw TCP bytes received
    messages: int = 0
    status: str = ""
    early_reruns: int = 0  # runs that ended FINISHED_EARLY_FOR_RERUN before the final one (st.rerun)
    exceptions: list[str] = field(default_factory=list)  # text of every `exception` element
    charts: int = 0  # vega_lite_chart elements received (ref_hash ones included)
    chart_spec_same: int = 0  # ... whose spec string equals the previous run's at the same position
    chart_spec_changed: int = 0
    chart_element_same: int = 0  # ... whose whole element (spec, data, options) is unchanged
    ref_hashes: int = 0  # elements the server skipped because our cache had them
    types: Counter = field(default_factory=Counter)  # ForwardMsg types received

    @property
    def ok(self) -> bool:
        return self.status == "ok" and not self.exceptions


def _url_value(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Session:
    """One simulated viewer: `async with Session(url, "Explorer") as s: await s.load(); await s.set(wh=3.1)`."""

    def __init__(self, base_url: str, page: str = "", query: str = "", timeout: float = 120.0) -> None:
        parsed = urllib.parse.urlsplit(base_url.rstrip("/"))
        if parsed.scheme not in ("http", "https"):
            raise ValueError(f"expected an http(s):// URL, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.ws_url = ("wss" if parsed.scheme == "https" else "ws") + self.base_url[len(parsed.scheme):] \
            + "/_stcore/stream"
        self.page = page
        self.query = query
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        # No proxy, ever: benchmarks talk to 127.0.0.1 (or the given URL) directly.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                                   urllib.request.HTTPCookieProcessor(self.jar))
        self._ws: _CountingConnection | None = None
        self._inbox: asyncio.Queue = asyncio.Queue()
        self._reader: asyncio.Task | None = None
        self.page_script_hash = ""
        self.pages: dict[str, str] = {}  # page name / url path -> page_script_hash (from navigation)
        self.widgets: dict[str, Widget] = {}  # key -> widget, as of the last run
        self._states: dict[str, WidgetState] = {}  # widget id -> the state we send with every rerun
        self._cache: dict[str, list] = {}  # hash -> [ForwardMsg, runs since last used]
        self._last_chart: dict[tuple, tuple[str, str]] = {}  # delta path -> (spec, element hash)
        self.extension: str | None = None  # negotiated websocket extension (permessage-deflate?)
        self.http_bytes = 0
        self.runs: list[RunResult] = []

    # ---- connection ----
    def _http_get(self, path: str) -> None:
        with self._opener.open(self.base_url + path, timeout=self.timeout) as response:
            self.http_bytes += len(response.read())

    async def connect(self) -> None:
        """The browser's HTTP preamble (cookies), then the websocket."""
        def preamble() -> None:
            self._http_get("/" + self.page + (f"?{self.query}" if self.query else ""))
            self._http_get("/_stcore/health")
            self._http_get("/_stcore/host-config")
        await asyncio.to_thread(preamble)
        request = urllib.request.Request(self.base_url + "/_stcore/stream")
        self.jar.add_cookie_header(request)
        headers = {"Cookie": request.get_header("Cookie")} if request.has_header("Cookie") else {}
        xsrf = next((c.value for c in self.jar if c.name == "_streamlit_xsrf"), None)
        subprotocols = ["streamlit"] + ([xsrf] if xsrf else [])
        try:
            self._ws = await connect(self.ws_url, subprotocols=subprotocols, additional_headers=headers,
                                     origin=self.base_url, proxy=None, max_size=None, open_timeout=self.timeout,
                                     create_connection=_CountingConnection, user_agent_header="room_client")
        except (TimeoutError, OSError, ConnectionClosed) as exc:
            raise SessionError(f"websocket to {self.ws_url} failed: {exc!r}") from exc
        self.extension = self._ws.response.headers.get("Sec-WebSocket-Extensions")
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        """Timestamp every frame as it arrives; parsing waits for whoever awaits the run."""
        try:
            async for data in self._ws:
                self._inbox.put_nowait((time.perf_counter(), data))
        except ConnectionClosed:
            pass
        finally:
            self._inbox.put_nowait((time.perf_counter(), None))  # None: the socket closed

    async def close(self) -> None:
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._reader is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._reader, 5)

    async def __aenter__(self) -> Session:
        await self.connect()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    # ---- runs ----
    async def load(self) -> RunResult:
        """The page load: the first rerun_script, naming the page."""
        return await self._rerun(page_name=self.page, page_script_hash=self.page_script_hash)

    async def navigate(self, page: str, query: str | None = None) -> RunResult:
        """Switch page in the same session, as a sidebar link does (query: the link's query string)."""
        self.page = page
        if query is not None:
            self.query = query
        self.page_script_hash = self.pages.get(page, "")
        self._last_chart.clear()
        return await self._rerun(page_name=page, page_script_hash=self.page_script_hash)

    async def set(self, **values) -> RunResult:
        """Move widgets (by key) to new values, as a user would, and wait for the rerun to finish."""
        for key, value in values.items():
            widget = self.widgets.get(key)
            if widget is None:
                raise SessionError(f"no widget with key {key!r} in the last run; keys: {sorted(self.widgets)}")
            self._states[widget.id] = widget.state(value)
            if widget.query_key:  # the frontend writes bound values to the address bar itself
                pairs = [(k, v) for k, v in urllib.parse.parse_qsl(self.query, keep_blank_values=True)
                         if k != widget.query_key]
                self.query = urllib.parse.urlencode(pairs + [(widget.query_key, _url_value(value))])
        return await self._rerun(page_name=self.page, page_script_hash=self.page_script_hash)

    async def _rerun(self, page_name: str, page_script_hash: str) -> RunResult:
        if self._ws is None:
            raise SessionError("not connected")
        while not self._inbox.empty():  # anything unsolicited since the last run
            _, data = self._inbox.get_nowait()
            if data is None:
                raise SessionError("the server closed the websocket between runs")
        state = ClientState(query_string=self.query, page_name=page_name, page_script_hash=page_script_hash,
                            cached_message_hashes=sorted(self._cache))
        state.widget_states.widgets.extend(self._states.values())
        msg = BackMsg()
        msg.rerun_script.CopyFrom(state)
        wire0 = self._ws.wire_bytes
        t0 = time.perf_counter()
        try:
            await self._ws.send(msg.SerializeToString())
        except ConnectionClosed as exc:
            raise SessionError(f"websocket closed: {exc!r}") from exc
        result = RunResult(latency=float("nan"))
        seen: set[str] = set()
        deadline = t0 + self.timeout
        while True:
            try:
                at, data = await asyncio.wait_for(self._inbox.get(), max(0.0, deadline - time.perf_counter()))
            except TimeoutError:
                raise SessionError(f"no script_finished within {self.timeout:.0f} s") from None
            if data is None:
                raise SessionError("the server closed the websocket during a run")
            result.messages += 1
            result.payload_bytes += len(data)
            fmsg = ForwardMsg()
            fmsg.ParseFromString(data)
            kind = fmsg.WhichOneof("type")
            result.types[kind] += 1
            if kind == "ref_hash":
                result.ref_hashes += 1
                cached = self._cache.get(fmsg.ref_hash)
                if cached is None:
                    raise SessionError(f"server referred to a message we never cached ({fmsg.ref_hash})")
                cached[1] = 0
                path = tuple(fmsg.metadata.delta_path)
                fmsg = cached[0]
                kind = "delta"
            else:
                path = tuple(fmsg.metadata.delta_path)
                if fmsg.metadata.cacheable and fmsg.hash:
                    self._cache[fmsg.hash] = [fmsg, 0]
            if kind == "delta":
                self._on_delta(fmsg, path, result, seen)
            elif kind == "new_session":
                self.page_script_hash = fmsg.new_session.page_script_hash or self.page_script_hash
            elif kind == "navigation":
                nav = fmsg.navigation
                self.page_script_hash = nav.page_script_hash or self.page_script_hash
                for p in nav.app_pages:
                    self.pages[p.page_name] = p.page_script_hash
                    self.pages[p.url_pathname] = p.page_script_hash
            elif kind == "page_info_changed":
                self.query = fmsg.page_info_changed.query_string
            elif kind == "page_not_found":
                result.exceptions.append(f"page not found: {fmsg.page_not_found.page_name!r}")
            elif kind == "script_finished":
                status = STATUS.get(fmsg.script_finished, str(fmsg.script_finished))
                if fmsg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    result.early_reruns += 1  # st.rerun(): the next run follows on its own
                    seen.clear()
                    continue
                result.latency = at - t0
                result.status = status
                break
        result.wire_bytes = self._ws.wire_bytes - wire0
        # Like the frontend: forget widgets that were not drawn, age the message cache.
        self.widgets = {k: w for k, w in self.widgets.items() if w.id in seen}
        self._states = {wid: s for wid, s in self._states.items() if wid in seen}
        for h in list(self._cache):
            self._cache[h][1] += 1
            if self._cache[h][1] > MAX_CACHED_MESSAGE_AGE:
                del self._cache[h]
        self.runs.append(result)
        return result

    def _on_delta(self, fmsg: ForwardMsg, path: tuple, result: RunResult, seen: set[str]) -> None:
        delta = fmsg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        proto = getattr(element, kind)
        if kind == "exception":
            result.exceptions.append(f"{proto.type}: {proto.message}".strip())
        elif kind == "vega_lite_chart":
            result.charts += 1
            before = self._last_chart.get(path)
            if before is not None:
                same_spec = before[0] == proto.spec
                result.chart_spec_same += same_spec
                result.chart_spec_changed += not same_spec
                result.chart_element_same += before[1] == fmsg.hash
            self._last_chart[path] = (proto.spec, fmsg.hash)
        widget_id = getattr(proto, "id", "")
        if widget_id and widget_id.startswith("$$ID-"):
            seen.add(widget_id)
            match = WIDGET_ID.match(widget_id)
            key = match.group(1) if match else widget_id
            self.widgets[key] = Widget(key, widget_id, kind, proto)
            if getattr(proto, "set_value", False) and widget_id in self._states:
                # the script set this widget (e.g. a preset button): the frontend adopts the new value
                value = {"slider": lambda: list(proto.value), "selectbox": lambda: proto.raw_value}.get(
                    kind, lambda: getattr(proto, "value", None))()
                with contextlib.suppress(SessionError):
                    self._states[widget_id] = self.widgets[key].state(value)
