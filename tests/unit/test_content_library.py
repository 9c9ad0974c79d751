"""The content library: schema, sources, coverage of every route, reading level."""

from pathlib import Path

import pytest

from bot.library.content import ContentError, iter_required_routes, load_library
from bot.library.content_check import TEEN_MAX_GRADE, TEEN_MAX_WORDS, plain, reading_grade, review, run_check
from bot.library.fixed_help import OUT, generate


@pytest.fixture(scope="module")
def library():
    return load_library()


def test_the_whole_library_passes_the_content_check():
    report = run_check()
    assert report.errors == []


def test_every_route_the_dialogue_can_take_resolves_to_an_item_for_every_audience(library):
    missing = [route for route in iter_required_routes("en") if library.find(*route, locale="en") is None]
    assert missing == []


def test_parents_and_educators_get_items_written_for_them_where_they_differ(library):
    assert library.find("grooming", "how_to_help", "educator", "en").id == "grooming.how_to_help.educator"
    assert library.find("grooming", "reporting", "educator", "en").id == "grooming.reporting.educator"
    assert library.find("grooming", "definition", "parent", "en").id == "grooming.definition.parent"
    assert library.find("grooming", "definition", "teen", "en").id == "grooming.definition.teen"


def test_every_item_cites_sources_that_exist_with_https_urls(library):
    for item in library.items.values():
        sources = library.sources_for(item)
        assert sources, item.id
        assert all(s["url"].startswith("https://") for s in sources)


@pytest.mark.parametrize("audience", ["teen"])
def test_teen_texts_are_short_and_plain(library, audience):
    for item in library.items.values():
        if audience in item.audiences:
            assert len(plain(item.text).split()) <= TEEN_MAX_WORDS, (item.locale, item.id)
            if item.locale == "en":  # the Flesch-Kincaid grade is a formula for English
                assert reading_grade(item.text) <= TEEN_MAX_GRADE, item.id


NOT_YOUR_FAULT = {
    "en": ["not your fault"],
    "es": ["no es culpa tuya", "no es tu culpa"],
    "pt": ["não é culpa tua", "não é tua culpa", "não é sua culpa", "não é culpa sua", "a culpa não é"],
    "nl": ["niet jouw schuld", "niet je schuld"],
    "fr": ["pas ta faute", "pas de ta faute"],
    "de": ["nicht deine schuld"],
    "it": ["non è colpa tua", "non è tua la colpa", "non è colpa di"],
    "pl": ["nie twoja wina", "nie jest twoja wina", "to nie twoja wina"],
    "sv": ["inte ditt fel"],
}


def test_crisis_texts_say_it_is_not_their_fault_and_that_lumi_is_a_bot(library):
    """In every language: the first words a young person in danger reads."""
    crisis = [item for item in library.items.values() if item.topic == "crisis" and "teen" in item.audiences]
    assert {item.locale for item in crisis} >= {"en"}
    for item in crisis:
        lowered = item.text.lower()
        assert any(phrase in lowered for phrase in NOT_YOUR_FAULT[item.locale]), (item.locale, item.id)
        assert "bot" in lowered, (item.locale, item.id)


def _write_library(tmp_path: Path, item_yaml: str) -> Path:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "s.yml").write_text(
        "sources:\n  src-a:\n    title: T\n    publisher: P\n    url: https://example.org/a\n    year: 2024\n"
    )
    (tmp_path / "en" / "topics").mkdir(parents=True)
    path = tmp_path / "en" / "topics" / "grooming.yml"
    path.write_text("topic: grooming\nitems:\n" + item_yaml)
    return path


GOOD_ITEM = """  - id: grooming.definition.teen
    kind: definition
    audiences: [teen]
    title: What is grooming?
    text: Some text.
    sources: [src-a]
    review: {status: draft, reviewer: null, date: null}
"""


def test_a_malformed_item_is_rejected_naming_file_item_and_field(tmp_path):
    path = _write_library(tmp_path, GOOD_ITEM.replace("    sources: [src-a]\n", "    sources: [nope]\n"))
    with pytest.raises(ContentError) as error:
        load_library(tmp_path)
    message = str(error.value)
    assert str(path) in message and "grooming.definition.teen" in message and "'sources'" in message


def test_an_item_without_text_is_rejected(tmp_path):
    _write_library(tmp_path, GOOD_ITEM.replace("    text: Some text.\n", ""))
    with pytest.raises(ContentError, match="missing field 'text'"):
        load_library(tmp_path)


def test_review_signs_an_item_off_and_keeps_the_file_loadable(tmp_path):
    from datetime import date

    _write_library(tmp_path, GOOD_ITEM)
    review("grooming.definition.teen", "A. Reviewer", tmp_path, today=date(2026, 11, 25))
    item = load_library(tmp_path).item("grooming.definition.teen")
    assert item.reviewed and item.review["reviewer"] == "A. Reviewer" and str(item.review["date"]) == "2026-11-25"


def test_reviewed_only_setting_hides_drafts(tmp_path):
    _write_library(tmp_path, GOOD_ITEM)
    library = load_library(tmp_path)
    assert library.find("grooming", "definition", "teen", "en", reviewed_only=True) is None
    assert library.find("grooming", "definition", "teen", "en") is not None


def test_the_fixed_help_domain_file_is_up_to_date():
    assert OUT.read_text(encoding="utf-8") == generate(), "run `python -m bot.library.fixed_help`"
