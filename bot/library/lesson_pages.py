"""Printable lesson pages (HTML, A4, no chat widget) from content/<locale>/lessons/."""

from __future__ import annotations

import html
from typing import Iterable, List

from bot.library.content import library
from bot.library.education import Lesson, lesson_topics, quiz

STYLE = """
body{font:11.5pt/1.45 Georgia,'Times New Roman',serif;color:#111;max-width:48rem;margin:2rem auto;padding:0 1rem}
h1{font:700 20pt/1.2 system-ui,sans-serif;margin:0 0 .3rem}h2{font:700 13pt system-ui,sans-serif;margin:1.2rem 0 .3rem;
border-bottom:1px solid #999}h3{font:700 11.5pt system-ui,sans-serif;margin:.8rem 0 .2rem}.meta{color:#333}
.note{border:2px solid #111;padding:.6rem .8rem;margin:1rem 0}.scenario{break-inside:avoid;margin:.6rem 0}
ol,ul{padding-left:1.4rem}a{color:#111}.sources{font-size:9.5pt}
@page{size:A4;margin:16mm}@media print{body{margin:0;max-width:none}a{text-decoration:none}}
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def _paragraphs(text: str) -> str:
    blocks = [b.strip() for b in str(text).split("\n\n") if b.strip()]
    out: List[str] = []
    for block in blocks:
        lines = block.splitlines()
        items = [line.strip()[2:] for line in lines if line.strip().startswith("- ")]
        prose = " ".join(line.strip() for line in lines if not line.strip().startswith("- "))
        if prose:
            out.append(f"<p>{_e(prose).replace('**', '')}</p>")
        if items:
            out.append("<ul>" + "".join(f"<li>{_e(i).replace('**', '')}</li>" for i in items) + "</ul>")
    return "".join(out)


def _list(items: Iterable[str], tag: str = "ul") -> str:
    return f"<{tag}>" + "".join(f"<li>{_e(i)}</li>" for i in items) + f"</{tag}>"


def _page(title: str, body: str, locale: str) -> str:
    return (
        f"<!doctype html><html lang='{_e(locale)}'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{_e(title)}</title>"
        f"<style>{STYLE}</style></head><body><main>{body}</main></body></html>"
    )


def render_lesson(plan: Lesson, locale: str) -> str:
    found = quiz(plan.topic, locale)
    scenarios = [s for s in (found.scenarios if found else ()) if s.id in plan["scenarios"]]
    parts = [
        f"<h1>{_e(plan['title'])}</h1>",
        f"<p class='meta'>Ages {_e(', '.join(plan['age_bands']))} · {_e(plan['duration_minutes'])} minutes · "
        f"Lumi lesson plan ({_e(plan['id'])}, {_e(plan.data.get('review', {}).get('status', 'draft'))})</p>",
        "<div class='note'><h2>Safeguarding note for the teacher</h2>"
        + _paragraphs(plan["safeguarding_note"])
        + "</div>",
        "<h2>Before the lesson</h2>" + _paragraphs(plan["preparation"]),
        "<h2>Learning objectives</h2>" + _list(plan["objectives"]),
        "<h2>Key messages</h2>" + _list(plan["key_messages"]),
        f"<h2>Starter ({_e(plan['starter']['minutes'])} min)</h2>" + _paragraphs(plan["starter"]["text"]),
        "<h2>Activities</h2>"
        + "".join(
            f"<h3>{_e(a['title'])} ({_e(a['minutes'])} min)</h3>{_paragraphs(a['text'])}" for a in plan["activities"]
        ),
        "<h2>Discussion questions</h2>" + _list(plan["discussion_questions"], "ol"),
        "<h2>Scenarios</h2>"
        + "".join(
            f"<div class='scenario'><h3>{_e(s.title)}</h3><p>{_e(s.situation)}</p><p><em>{_e(s.question)}</em></p>"
            + _list([f"{c.text} — {c.safety}: {c.feedback}" for c in s.choices], "ol")
            + "</div>"
            for s in scenarios
        ),
        "<h2>Where to get help</h2>" + _paragraphs(plan["signposting"]),
        "<h2>Sources</h2><ul class='sources'>"
        + "".join(
            f"<li>{_e(s['title'])}, {_e(s['publisher'])}: <a href='{_e(s['url'])}'>{_e(s['url'])}</a></li>"
            for s in library().sources_payload(plan["sources"])
        )
        + "</ul>",
    ]
    return _page(plan["title"], "".join(parts), locale)


def render_index(locale: str) -> str:
    from bot.library.education import lesson

    plans = {topic: lesson(topic, locale) for topic in lesson_topics(locale)}
    items = "".join(
        f"<li><a href='/lessons/{_e(topic)}'>{_e(plan['title'])}</a></li>" for topic, plan in plans.items() if plan
    )
    return _page("Lumi lesson plans", f"<h1>Lumi lesson plans</h1><ul>{items}</ul>", locale)
