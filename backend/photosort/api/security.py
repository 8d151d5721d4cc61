"""Who may drive the server: the reviewer's own browser, never another web page.

One ASGI middleware, outside the routers, refuses before any handler runs:
- a `Host` that is not a loopback name while bound to loopback (DNS rebinding: a page on
  `evil.example` re-resolved to 127.0.0.1 would otherwise be "same-origin" with the API);
- a state-changing request that `Origin` or `Sec-Fetch-Site` say comes from another site, or
  whose body is not JSON (a plain HTML form or a `text/plain` fetch needs no CORS preflight);
- a photo or video read whose `Origin` is another site (a page's `fetch` of the reviewer's
  photos). No other origin is trusted, not even the Vite dev server's port: its proxy keeps the
  browser's `Host`, so what it forwards is already same-origin, while anything else listening
  on that port is just another site;
- a request body over the limit, counted while it streams in, before anything parses it;
- on a non-loopback address, any request without the session token (Jupyter-style: the token
  arrives once in the URL, then lives in an HttpOnly SameSite=Strict cookie).
Item strings in paths are decoded with `surrogateescape`, so a photo whose name is not UTF-8
(`caf%E9.jpg`) is addressed losslessly (see docs/ARCHITECTURE.md, "Items").
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, unquote, urlencode

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from photosort.api.errors import error_response

MAX_BODY_BYTES = 1024 * 1024
TOKEN_COOKIE = "photosort_token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_MEDIA_PREFIXES = ("/api/image/", "/api/video/")
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost", "ip6-loopback"})


def is_loopback_host(host: str) -> bool:
    """True for names and addresses that only this computer can reach."""
    name = host.strip().lower().strip("[]")
    if name in _LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _host_name(host_header: str) -> str:
    """`Host` without its port (`[::1]:8000` -> `::1`, `localhost:8000` -> `localhost`)."""
    if host_header.startswith("["):
        return host_header[1 : host_header.find("]")] if "]" in host_header else host_header
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def new_token() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Guard:
    """What the server accepts. `token` is None on loopback (the OS is the access control)."""

    bind_host: str = "127.0.0.1"
    token: str | None = None
    max_body: int = MAX_BODY_BYTES

    @property
    def loopback(self) -> bool:
        return is_loopback_host(self.bind_host)

    @classmethod
    def for_host(cls, bind_host: str) -> Guard:
        token = None if is_loopback_host(bind_host) else new_token()
        return cls(bind_host=bind_host, token=token)


class _BodyTooLarge(HTTPException):
    """Raised from `receive` so FastAPI's body reader passes it on as the 413 it is."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is over the {limit // 1024} KiB limit")


class GuardMiddleware:
    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = _decode_path_losslessly(scope)
        headers = Headers(scope=scope)
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            status, code, message = refusal
            await error_response(status, code, message)(scope, receive, send)
            return
        if self.guard.token is not None and _query_token(scope) is not None:
            await self._adopt_token(scope, receive, send)
            return
        send = _with_resource_policy(scope, send)
        await self.app(scope, self._limited(receive), send)

    # ------------------------------------------------------------------ checks
    def _refusal(self, scope: Scope, headers: Headers) -> tuple[int, str, str] | None:
        g = self.guard
        host = headers.get("host", "")
        if g.loopback and not is_loopback_host(_host_name(host)):
            return (
                421 if host else 400,
                "bad_host",
                f"this server only answers to a loopback name (localhost, 127.0.0.1), "
                f"not {host or 'a request without Host'}: a web page that re-points its own "
                f"name at this computer (DNS rebinding) must not reach it",
            )
        if g.token is not None and not self._has_token(scope, headers):
            return (
                401,
                "token_required",
                "this server is reachable from the network and needs its access token: "
                "open the link with ?token=... that `photosort serve` printed at start",
            )
        method = scope["method"]
        origin = headers.get("origin")
        foreign = origin is not None and not _same_origin(origin, host, scope)
        if foreign and _is_media(scope):
            return (403, "cross_site", f"refused to show a photo to another site ({origin})")
        if method not in _SAFE_METHODS:
            site = headers.get("sec-fetch-site", "").lower()
            if foreign:
                return (403, "cross_site", f"refused a {method} from another site ({origin})")
            if origin is None and site == "cross-site":
                return (403, "cross_site", f"refused a {method} from another site")
            length = headers.get("content-length")
            if length is not None and length.strip().isdigit() and int(length) > g.max_body:
                return (413, "body_too_large", _BodyTooLarge(g.max_body).detail)
            has_body = (length is not None and length.strip() not in ("", "0")) or (
                "transfer-encoding" in headers
            )
            content_type = headers.get("content-type", "")
            if has_body and not _is_json(content_type):
                return (
                    415,
                    "unsupported_media_type",
                    f"request bodies must be JSON (Content-Type: application/json), "
                    f"not {content_type or 'untyped'}",
                )
        return None

    def _has_token(self, scope: Scope, headers: Headers) -> bool:
        token = self.guard.token
        assert token is not None
        offered: list[str] = []
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            offered.append(auth[7:].strip())
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is simply no token
            cookie = SimpleCookie()
        if TOKEN_COOKIE in cookie:
            offered.append(cookie[TOKEN_COOKIE].value)
        query = _query_token(scope)
        if query is not None:
            offered.append(query)
        return any(hmac.compare_digest(o.encode(), token.encode()) for o in offered)

    async def _adopt_token(self, scope: Scope, receive: Receive, send: Send) -> None:
        """First visit with `?token=`: keep it in a cookie and drop it from the address bar."""
        assert self.guard.token is not None
        rest = [
            (k, v)
            for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1"))
            if k != "token"
        ]
        location = scope.get("raw_path", b"/").decode("latin-1") or "/"
        if rest:
            location += "?" + urlencode(rest)
        cookie = (
            f"{TOKEN_COOKIE}={self.guard.token}; HttpOnly; SameSite=Strict; Path=/; "
            f"Max-Age=31536000"
        )
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", location.encode("latin-1")),
                    (b"set-cookie", cookie.encode("latin-1")),
                    (b"cache-control", b"no-store"),
                    (b"content-length", b"0"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    def _limited(self, receive: Receive) -> Receive:
        limit = self.guard.max_body
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _BodyTooLarge(limit)
            return message

        return limited


def _same_origin(origin: str, host: str, scope: Scope) -> bool:
    scheme = scope.get("scheme", "http")
    return bool(host) and origin.lower() == f"{scheme}://{host}".lower()


def _is_media(scope: Scope) -> bool:
    path: str = scope["path"]
    return path.startswith(_MEDIA_PREFIXES)


def _is_json(content_type: str) -> bool:
    mime = content_type.split(";", 1)[0].strip().lower()
    return mime == "application/json" or (
        mime.startswith("application/") and mime.endswith("+json")
    )


def _query_token(scope: Scope) -> str | None:
    query: bytes = scope.get("query_string", b"")
    for key, value in parse_qsl(query.decode("latin-1")):
        if key == "token":
            return value
    return None


def _decode_path_losslessly(scope: Scope) -> Scope:
    """Percent-escapes that are not UTF-8 (a Latin-1 file name) become surrogateescape code
    points, as `os.fsdecode` gives for the same name on disk, instead of U+FFFD. (A copy:
    the server's own scope keeps its text path for its logs.)"""
    raw = scope.get("raw_path")
    if not raw:
        return scope
    path = unquote(raw.decode("latin-1").split("?", 1)[0], errors="surrogateescape")
    return scope if path == scope.get("path") else {**scope, "path": path}


def _with_resource_policy(scope: Scope, send: Send) -> Send:
    """Photos and videos are the reviewer's: no other site may embed them (`<img src=...>`
    and `<video src=...>` are no-cors)."""
    if not _is_media(scope):
        return send

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = dict(message)
            message["headers"] = [
                *message.get("headers", []),
                (b"cross-origin-resource-policy", b"same-origin"),
            ]
        await send(message)

    return sending
