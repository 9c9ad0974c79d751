"""Help contacts: 14 countries and an international fallback, chosen for the need."""

import pytest

from bot.library.content_check import REQUIRED_COUNTRIES
from bot.library.helplines import INTERNATIONAL, load_directory


@pytest.fixture(scope="module")
def directory():
    return load_directory()


@pytest.mark.parametrize(
    "said,code",
    [
        ("Spain", "ES"),
        ("España", "ES"),
        ("ES", "ES"),
        ("uk", "GB"),
        ("England", "GB"),
        ("Scotland", "GB"),
        ("United States", "US"),
        ("usa", "US"),
        ("Nederland", "NL"),
        ("Deutschland", "DE"),
        ("Australia", "AU"),
        ("canada", "CA"),
        ("Belgique", "BE"),
        ("Portugal", "PT"),
        ("Polska", "PL"),
        ("Sverige", "SE"),
        ("Ireland", "IE"),
        ("Italia", "IT"),
        ("France", "FR"),
    ],
)
def test_countries_are_recognised_by_code_or_name(directory, said, code):
    assert directory.resolve(said) == code


def test_unknown_country_is_not_guessed(directory):
    assert directory.resolve("Atlantis") is None
    assert directory.country(None).code == INTERNATIONAL


@pytest.mark.parametrize("code", REQUIRED_COUNTRIES)
def test_every_country_has_the_lines_a_young_person_needs(directory, code):
    country = directory.countries[code]
    categories = {c for line in country.lines for c in line.categories}
    assert {"child_helpline", "self_harm", "online_abuse_report", "image_removal"} <= categories
    assert country.emergency
    for line in country.lines:
        assert line.source.startswith("https://") and line.verified


def test_emergency_number_comes_first_when_someone_is_in_danger(directory):
    lines = directory.lines_for("ES", "immediate_danger")
    assert lines[0]["phone"] == "112"
    assert directory.lines_for("US", "self_harm")[0]["phone"] == "911"
    assert any("988" in (line["phone"] or "") for line in directory.lines_for("US", "self_harm"))


def test_sextortion_help_includes_image_removal(directory):
    names = " ".join(line["name"] for line in directory.lines_for("GB", "sextortion"))
    assert "Report Remove" in names or "Take It Down" in names


def test_payload_has_the_contract_fields(directory):
    for line in directory.lines_for("FR", "general"):
        assert set(line) == {"name", "phone", "url", "hours", "for"}
