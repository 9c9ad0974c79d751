"""Help contacts per country, from `content/helplines/`, chosen for what the user needs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from bot.library.content import ContentError, load_yaml, messages
from bot.settings import get_settings

INTERNATIONAL = "INT"
CATEGORIES = (
    "police",
    "child_helpline",
    "self_harm",
    "online_abuse_report",
    "image_removal",
    "bullying",
    "trafficking",
    "parent_support",
)
_URL = re.compile(r"^https://[^\s/$.?#][^\s]*$")


@dataclass(frozen=True)
class Line:
    name: str
    phone: Optional[str]
    text: Optional[str]
    url: Optional[str]
    hours: str
    serves: str
    categories: Tuple[str, ...]
    source: str
    verified: str

    def as_payload(self) -> Dict[str, Optional[str]]:
        phone = self.phone or self.text
        return {"name": self.name, "phone": phone, "url": self.url, "hours": self.hours, "for": self.serves}


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    aliases: Tuple[str, ...]
    emergency: str
    emergency_note: Optional[str]
    lines: Tuple[Line, ...]


@dataclass(frozen=True)
class Directory:
    countries: Dict[str, Country]
    purposes: Dict[str, Dict[str, Any]]

    def country(self, code: Optional[str]) -> Country:
        return self.countries.get((code or "").upper()) or self.countries[INTERNATIONAL]

    def resolve(self, text: Optional[str]) -> Optional[str]:
        """A country code from a code or a name in any language we know ("Spain", "España", "ES", "UK")."""
        if not text:
            return None
        wanted = re.sub(r"[^\w ]", "", text.strip().lower())
        for country in self.countries.values():
            if country.code == INTERNATIONAL:
                continue
            if wanted == country.code.lower() or wanted in country.aliases:
                return country.code
        return None

    def lines_for(self, code: Optional[str], purpose: str, locale: str = "en") -> List[Dict[str, Optional[str]]]:
        """The helplines payload: emergency number first when the purpose says so, then the
        lines of the purpose's categories in order, without repeats; the emergency entry named in
        `locale`."""
        country = self.country(code)
        spec = self.purposes.get(purpose) or self.purposes["general"]
        chosen: List[Line] = []
        for category in spec["categories"]:
            for line in country.lines:
                if category in line.categories and line not in chosen:
                    chosen.append(line)
        payload = [line.as_payload() for line in chosen[: spec.get("max", 5)]]
        emergency = {
            "name": spec.get("emergency_label", "Emergency services"),
            "phone": country.emergency,
            "url": None,
            "hours": "24/7",
            "for": country.emergency_note or spec.get("emergency_for", "Someone is in danger right now"),
        }
        if locale != "en":
            texts = messages(locale)
            emergency.update(name=texts["emergency_label"], **{"for": texts["emergency_for"]})
        if spec.get("emergency") == "first":
            payload.insert(0, emergency)
        elif spec.get("emergency") == "last":
            payload.append(emergency)
        return payload

    def lines_for_countries(
        self, codes: List[str], purpose: str, locale: str = "en", per_other_country: int = 2
    ) -> List[Dict[str, Optional[str]]]:
        """Help contacts when only the language is known: the first country's in full, then the
        first `per_other_country` of each other country's, each line saying its country."""
        payload: List[Dict[str, Optional[str]]] = []
        for index, code in enumerate(codes):
            shown = {(line["name"], line["phone"]) for line in payload}
            new = [line for line in self.lines_for(code, purpose, locale) if (line["name"], line["phone"]) not in shown]
            payload += [{**line, "country": code} for line in (new if index == 0 else new[:per_other_country])]
        return payload

    def contacts(
        self, country: Optional[str], purpose: str, locale: str = "en"
    ) -> Tuple[List[Country], List[Dict[str, Optional[str]]]]:
        """The countries whose contacts a reply shows, and those contacts: the given country's;
        when it is unknown, those of the countries where the reply's language is spoken
        (content/languages.yml), or the international ones."""
        from bot.library.languages import countries_for

        codes = [country] if country else list(countries_for(locale))
        found = [self.country(code) for code in codes] or [self.country(None)]
        if len(found) > 1:
            return found, self.lines_for_countries([c.code for c in found], purpose, locale)
        return found, self.lines_for(found[0].code, purpose, locale)


def _parse_line(raw: Dict[str, Any], where: str) -> Line:
    for key in ("name", "hours", "for", "categories", "source"):
        if not raw.get(key):
            raise ContentError(f"{where}: missing field '{key}'")
    if not (raw.get("phone") or raw.get("url") or raw.get("text")):
        raise ContentError(f"{where}: needs at least one of 'phone', 'text', 'url'")
    for key in ("url", "source"):
        if raw.get(key) and not _URL.match(str(raw[key])):
            raise ContentError(f"{where}: field '{key}' is not a well-formed https URL")
    unknown = [c for c in raw["categories"] if c not in CATEGORIES]
    if unknown:
        raise ContentError(f"{where}: field 'categories' has unknown {unknown}")
    return Line(
        name=str(raw["name"]),
        phone=str(raw["phone"]) if raw.get("phone") else None,
        text=raw.get("text"),
        url=raw.get("url"),
        hours=str(raw["hours"]),
        serves=str(raw["for"]),
        categories=tuple(raw["categories"]),
        source=raw["source"],
        verified=str(raw.get("verified") or ""),
    )


def _parse_country(path: Path) -> Country:
    data = load_yaml(path) or {}
    where = path.name
    for key in ("country", "name", "emergency", "lines"):
        if not data.get(key):
            raise ContentError(f"{where}: missing field '{key}'")
    emergency = data["emergency"]
    lines = tuple(
        _parse_line(raw, f"{where}: line '{raw.get('name', index)}'") for index, raw in enumerate(data["lines"])
    )
    return Country(
        code=str(data["country"]).upper(),
        name=data["name"],
        aliases=tuple(str(a).lower() for a in data.get("aliases") or ()),
        emergency=str(emergency["number"]),
        emergency_note=emergency.get("note"),
        lines=lines,
    )


def load_directory(content_dir: Optional[Path] = None) -> Directory:
    content_dir = content_dir or get_settings().content_dir
    countries = {}
    for path in sorted((content_dir / "helplines").glob("*.yml")):
        country = _parse_country(path)
        countries[country.code] = country
    if INTERNATIONAL not in countries:
        raise ContentError("helplines: international.yml (country: INT) is required as the fallback")
    purposes = load_yaml(content_dir / "helpline_purposes.yml")["purposes"]
    return Directory(countries=countries, purposes=purposes)


@lru_cache(maxsize=4)
def _cached(content_dir: Path) -> Directory:
    return load_directory(content_dir)


def directory() -> Directory:
    return _cached(get_settings().content_dir)


def format_lines(lines: List[Dict[str, Optional[str]]]) -> str:
    """The helplines as a Markdown list, for clients that show only text."""
    rows = []
    for line in lines:
        contact = " · ".join(part for part in (line.get("phone"), line.get("url")) if part)
        rows.append(f"- **{line['name']}**: {contact} ({line['hours']}). {line['for']}")
    return "\n".join(rows)
