"""Keeps the connection from Rasa to the action server open between requests.

Rasa 3.6 opens a new aiohttp session, and with it a new TCP connection, for every call to
the action server (`EndpointConfig.request`), and closes it afterwards: on both servers a
connection set-up and tear-down per action. Here each endpoint reuses one session per event
loop. Idle connections are closed by the client after two seconds, before the action
server's own keep-alive limit (five seconds in Sanic), so a request never goes out on a
connection the server is just closing."""

from __future__ import annotations

import asyncio
from typing import Any, Dict

import aiohttp
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

RASA_SESSION = EndpointConfig.session  # Rasa's own, for comparison in the tests
IDLE_SECONDS = 2.0


class _Borrowed:
    """`async with` on a shared session that leaves it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *exc: Any) -> None:
        return None


def shared_session(self: Any) -> _Borrowed:
    """EndpointConfig.session, reusing one open session per endpoint and event loop."""
    loop = asyncio.get_running_loop()
    sessions: Dict[int, aiohttp.ClientSession] = self.__dict__.setdefault("_lumi_sessions", {})
    session = sessions.get(id(loop))
    if session is None or session.closed:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
        session = sessions[id(loop)] = aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=IDLE_SECONDS),
        )
    return _Borrowed(session)


def install() -> None:
    EndpointConfig.session = shared_session  # type: ignore[assignment]
