"""The web page and widget server (default http://localhost:8080/): the demo page, the
embeddable `lumi.js`, the widget's texts, help contacts as JSON (so "Get help now" works even
when the bot is down), a same-origin proxy to the Rasa web channel, and the quick-exit count.
Nothing here logs or stores what a user writes."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

import aiohttp
from aiohttp import web

from bot.library.content import load_yaml
from bot.library.helplines import directory
from bot.settings import get_settings

WEB = Path(__file__).resolve().parent / "static"
STATIC = {
    "/lumi.js": ("lumi.js", "application/javascript"),
    "/lumi.css": ("lumi.css", "text/css"),
    "/": ("index.html", "text/html"),
}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
logger = logging.getLogger(__name__)


def static_handler(name: str, content_type: str):
    async def handler(request: web.Request) -> web.Response:
        body = (WEB / name).read_bytes()
        headers = dict(SECURITY_HEADERS)
        if name.endswith(".js") or name.endswith(".css"):
            headers["Access-Control-Allow-Origin"] = "*"  # the embed script may load from any site
        return web.Response(body=body, content_type=content_type, headers=headers)

    return handler


async def i18n(request: web.Request) -> web.Response:
    locale = request.match_info["locale"]
    path = get_settings().content_dir / locale / "widget.yml"
    if not locale.isalpha() or not path.exists():
        path = get_settings().content_dir / get_settings().default_locale / "widget.yml"
    return web.json_response(load_yaml(path), headers={**SECURITY_HEADERS, "Access-Control-Allow-Origin": "*"})


async def helplines(request: web.Request) -> web.Response:
    code = directory().resolve(request.match_info["country"]) or "INT"
    country = directory().country(code)
    body = {"country": country.code, "name": country.name, "helplines": directory().lines_for(country.code, "general")}
    return web.json_response(body, headers={**SECURITY_HEADERS, "Access-Control-Allow-Origin": "*"})


async def proxy(request: web.Request) -> web.Response:
    """Forwards the widget's message to Rasa's Lumi channel on behalf of the page's own origin."""
    body = await request.read()
    url = f"{get_settings().rasa_url}/webhooks/lumi/webhook"
    try:
        async with request.app["client"].post(
            url, data=body, headers={"Content-Type": "application/json"}, timeout=aiohttp.ClientTimeout(total=30)
        ) as reply:
            return web.Response(
                body=await reply.read(), status=reply.status, content_type="application/json", headers=SECURITY_HEADERS
            )
    except (aiohttp.ClientError, TimeoutError) as error:
        logger.warning("web: Rasa unreachable (%s)", type(error).__name__)
        return web.json_response({"error": "unavailable"}, status=502, headers=SECURITY_HEADERS)


async def lesson_page(request: web.Request) -> web.Response:
    from bot.library.education import lesson
    from bot.library.lesson_pages import render_index, render_lesson

    locale = request.query.get("locale", get_settings().default_locale)
    topic = request.match_info.get("topic")
    if topic is None:
        return web.Response(text=render_index(locale), content_type="text/html", headers=SECURITY_HEADERS)
    plan = lesson(topic, locale)
    if plan is None:
        raise web.HTTPNotFound(text="No lesson plan on that topic.")
    return web.Response(text=render_lesson(plan, locale), content_type="text/html", headers=SECURITY_HEADERS)


async def quick_exit(request: web.Request) -> web.Response:
    writer = request.app.get("stats")
    if writer is not None:
        from bot.stats.store import Cell, current_hour

        site = request.query.get("site", "")
        site = site if site.replace("-", "").replace("_", "").replace(".", "").isalnum() and len(site) <= 64 else ""
        writer.add([Cell("quick_exit", current_hour(), site=site, channel="lumi")])
    return web.Response(status=204, headers={"Access-Control-Allow-Origin": "*"})


async def _start(app: web.Application) -> None:
    app["client"] = aiohttp.ClientSession()
    app["stats"] = None
    if get_settings().stats_enabled:
        try:
            from bot.stats.store import StatsWriter, make_engine, migrate

            engine = make_engine(get_settings().stats_url)
            migrate(engine)
            app["stats"] = StatsWriter(engine)
        except Exception as error:
            logger.warning("web: statistics disabled (%s)", type(error).__name__)


async def _stop(app: web.Application) -> None:
    await app["client"].close()
    if app["stats"] is not None:
        app["stats"].close()


def create_app() -> web.Application:
    app = web.Application(client_max_size=64 * 1024)
    for path, (name, content_type) in STATIC.items():
        app.router.add_get(path, static_handler(name, content_type))
    app.router.add_get("/i18n/{locale}.json", i18n)
    app.router.add_get("/helplines/{country}.json", helplines)
    app.router.add_post("/webhooks/lumi/webhook", proxy)
    app.router.add_get("/lessons", lesson_page)
    app.router.add_get("/lessons/{topic}", lesson_page)
    app.router.add_post("/stats/quick-exit", quick_exit)
    app.on_startup.append(_start)  # type: ignore[arg-type]
    app.on_cleanup.append(_stop)  # type: ignore[arg-type]
    return app


def main(port: Optional[int] = None) -> None:
    logging.basicConfig(level=logging.WARNING)
    web.run_app(create_app(), host="0.0.0.0", port=port or get_settings().web_port, access_log=None)


if __name__ == "__main__":
    main()
