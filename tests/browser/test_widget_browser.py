"""The chat widget in headless Debian Chromium, driven by Playwright: ask, see sources, click,
get help, quick exit, no storage, accessibility (axe-core) and screenshots for the README."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, WEB_PORT

CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# written to build/ by the tests; `make screenshots` copies them to docs/screenshots
SHOTS = Path(os.environ.get("LUMI_SCREENSHOTS_DIR", ROOT / "build" / "screenshots"))
EXIT_URL = "https://www.bbc.co.uk/weather"
URL = f"http://localhost:{WEB_PORT}/"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        message = "Debian chromium is not installed (.ci/run installs it)"
        if os.environ.get("LUMI_REQUIRE_SERVICES"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, servers):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.route(EXIT_URL + "**", lambda route: route.fulfill(body="<h1>Weather</h1>", content_type="text/html"))
    yield page
    context.close()


def open_chat(page):
    page.goto(URL)
    page.get_by_role("button", name="Chat with Lumi").click()
    page.wait_for_selector(".lumi-bot >> text=not a person")


def ask(page, text):
    count = page.locator(".lumi-bot").count()
    page.get_by_label("Your message").fill(text)
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('.lumi-bot').length > {count}")
    page.wait_for_selector(".lumi-typing[hidden]", state="attached")


def test_ask_see_the_answer_its_sources_and_click_a_follow_up(page):
    open_chat(page)
    ask(page, "what is grooming?")
    answer = page.locator(".lumi-bot").last
    assert "groom" in answer.inner_text().lower()
    answer.locator("summary", has_text="Where this comes from").click()
    assert answer.locator(".lumi-sources a").count() >= 1
    count = page.locator(".lumi-bot").count()
    answer.get_by_role("button", name="Signs to look for").click()
    page.wait_for_function(f"document.querySelectorAll('.lumi-bot').length > {count}")
    assert page.locator(".lumi-user").last.inner_text().endswith("Signs to look for")


def test_get_help_now_shows_the_contacts_for_the_country(page):
    page.goto(URL)
    page.get_by_role("button", name="Chat with Lumi").click()
    page.get_by_role("button", name="Get help now").click()
    page.wait_for_selector(".lumi-helplines li")
    assert page.locator(".lumi-helplines li").count() >= 3


def test_no_html_from_a_message_can_run(page):
    open_chat(page)
    ask(page, '<img src=x onerror="window.pwned=1"> **hi** what is sextortion')
    assert page.evaluate("window.pwned") is None
    assert page.locator(".lumi-user img").count() == 0


def test_nothing_is_stored_in_the_browser(page):
    open_chat(page)
    ask(page, "what is cyberbullying")
    assert page.evaluate("localStorage.length") == 0
    assert page.evaluate("document.cookie") == ""
    assert page.evaluate("indexedDB.databases().then(d => d.length)") == 0


def test_quick_exit_leaves_for_a_neutral_page(page):
    open_chat(page)
    ask(page, "what is grooming?")
    page.get_by_role("button", name="Quick exit").click()
    page.wait_for_url(EXIT_URL + "**")
    assert page.locator("h1").inner_text() == "Weather"


def test_escape_three_times_is_a_quick_exit_too(page):
    open_chat(page)
    for _ in range(3):
        page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL + "**")


def test_when_the_server_is_unreachable_the_help_contacts_still_show(page):
    page.route("**/webhooks/lumi/webhook", lambda route: route.fulfill(status=502, body="{}"))
    open_chat(page)
    ask(page, "hello?")
    last = page.locator(".lumi-bot").last
    assert "can't reach" in last.inner_text() and last.locator(".lumi-helplines li").count() >= 3


def test_no_serious_accessibility_violations_and_screenshots(page):
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test` installs it with npm")
    open_chat(page)
    ask(page, "what is a loverboy?")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("axe.run(document).then(r => r.violations.map(v => [v.id, v.impact]))")
    assert [v for v in violations if v[1] in ("serious", "critical")] == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "widget-desktop.png"))
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=str(SHOTS / "widget-phone.png"))
    width = page.evaluate("document.querySelector('.lumi-panel').getBoundingClientRect().width")
    assert width <= 360


def test_keyboard_only_use(page):
    page.goto(URL)
    page.get_by_role("button", name="Chat with Lumi").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "lumi-input"
    page.keyboard.type("what is sextortion")
    page.keyboard.press("Enter")
    page.wait_for_selector(".lumi-sources")


def test_lesson_mode_opens_with_the_lesson_menu(page, servers):
    page.goto(URL)
    page.evaluate("""() => { document.querySelectorAll('.lumi-root').forEach(n => n.remove());
        const s = document.createElement('script'); s.src = '/lumi.js?lesson'; s.dataset.mode = 'lesson';
        s.dataset.topic = 'sextortion'; s.dataset.inline = 'lesson'; const d = document.createElement('div');
        d.id = 'lesson'; document.body.append(d); document.body.append(s); }""")
    page.wait_for_selector("#lesson .lumi-choice >> text=Run a scenario quiz")
    assert page.locator("#lesson .lumi-choice").count() == 4


def test_the_lesson_page_prints_the_plan_without_the_chat(page, tmp_path):
    from bot.library.education import lesson

    page.goto(f"http://localhost:{WEB_PORT}/lessons/grooming")
    assert page.locator("h1").inner_text() == lesson("grooming", "en")["title"]
    assert page.locator(".lumi-root, .lumi-launcher").count() == 0
    pdf = tmp_path / "lesson.pdf"
    page.pdf(path=str(pdf), format="A4")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page") - data.count(b"/Type /Pages") >= 2
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "Safeguarding note" in text and "Chat with Lumi" not in text


def test_the_html_statistics_report_opens_in_the_browser(browser, tmp_path):
    from datetime import timedelta

    from bot.stats.report import as_html, build_report
    from bot.stats.store import Cell, StatsWriter, current_hour, make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'report.db'}")
    migrate(engine)
    writer = StatsWriter(engine, flush_seconds=60)
    hour = current_hour()
    demo = [
        ("session_started", {"site": "school-42", "audience": "teen"}, 23),
        ("content_served", {"topic": "grooming", "content_id": "grooming.definition.teen", "kind": "definition"}, 14),
        (
            "content_served",
            {"topic": "sextortion", "content_id": "sextortion.what_to_do.teen", "kind": "what_to_do"},
            9,
        ),
        ("content_served", {"topic": "loverboy", "content_id": "loverboy.definition.teen", "kind": "definition"}, 3),
        ("urgent_reply", {"detail": "sextortion"}, 6),
        ("message", {}, 80),
        ("fallback", {}, 7),
        ("quiz_answer", {"content_id": "grooming.s1", "detail": "right"}, 11),
        ("quiz_answer", {"content_id": "grooming.s1", "detail": "wrong"}, 4),
    ]
    for event, values, count in demo:
        writer.add([Cell(event, hour, **values)] * count)
    writer.close()
    path = tmp_path / "report.html"
    path.write_text(
        as_html(build_report(engine, hour - timedelta(days=1), hour + timedelta(hours=1)), "Lumi usage (example data)")
    )
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.goto(path.as_uri())
    assert page.locator("h1").inner_text() == "Lumi usage (example data)"
    assert page.locator("img[alt^='Chart']").count() >= 3
    assert "<5" in page.locator("body").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "stats-report.png"))
    context.close()
