"""Interface languages: strings from one TOML file per language in ``data/i18n/``, English as the fallback.

Two kinds of keys live in a catalogue:

* interface strings (``route_map.title``, ``legend.dashed``…): English defines
  them all; another language should translate each, and a missing one falls back
  to English (a warning for maintainers, never a blank on screen);
* translations of data (``route.<id>.title``, ``tour.<id>.text``…): the English
  text is the data file itself, so these appear only in other languages.

Quotes are never translated: they are shown as published, in English, and
marked as such. ``translate_dataset`` leaves the quotes table alone on purpose.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from geo import paths
from geo.data.dataset import Dataset
from geo.data.findings import Finding, Severity

I18N_DIR = paths.DATA_DIR / "i18n"
DEFAULT = "en"
#: Language code → its own name, for the switch. Order is the switch's order.
LANGUAGES: dict[str, str] = {"en": "English", "ko": "한국어"}
#: Data tables whose text columns may be translated, keyed ``<table>.<id>.<column>``.
TRANSLATABLE: dict[str, tuple[str, ...]] = {
    "route": ("title", "summary"),
    "places": ("name",),
    "tour": ("title", "text", "notes"),
    "events": ("title", "note", "label"),
    "figures": ("label", "period", "note"),
    "costs": ("period",),
    "claims": ("figure", "measures", "when", "note"),
    #: Keyed by year: ``[arrivals.2025]``.
    "arrivals": ("note",),
}
_DATA_KEY = re.compile(rf"^({'|'.join(TRANSLATABLE)})\.([a-z0-9-]+)\.([a-z_]+)$")
#: Markup in a translation: a tag, a comment or a character reference. Translations are plain text.
_HTML = re.compile(r"<\s*[a-zA-Z/!?]|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


def flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out |= flatten(value, f"{full}.")
        else:
            out[full] = value
    return out


def placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return {"<unbalanced braces>"}


def fill(text: str, values: Mapping[str, object]) -> str | None:
    """``text`` with each ``{name}`` replaced by ``values[name]`` and ``{{``/``}}`` by a brace.

    None when the text asks for anything else: an unknown name, an attribute or
    index (``{reason.__traceback__}`` would reach any object behind a value), a
    conversion or a format spec (``{km:999999999}`` asks for a gigabyte), a
    lone brace. ``str.format`` would do all of those; a catalogue is text.
    """
    out = []
    try:
        for literal, name, spec, conversion in string.Formatter().parse(text):
            out.append(literal)
            if name is None:
                continue
            if spec or conversion or name not in values:
                return None
            out.append(str(values[name]))
    except ValueError:
        return None
    return "".join(out)


@dataclass(frozen=True)
class Strings:
    """One language's strings with English behind them."""

    lang: str
    own: Mapping[str, str]
    fallback: Mapping[str, str]
    #: Content hash of the catalogues read: a cache key for anything translated with these.
    version: str = ""

    def __call__(self, key: str, /, **values: object) -> str:
        """The string for ``key`` with ``values`` filled in (``fill``); English when this
        language's string cannot be filled, and the string as written when neither can."""
        text = self.own.get(key)
        english = self.fallback.get(key, key)
        for candidate in (text, english):
            if isinstance(candidate, str) and (filled := fill(candidate, values)) is not None:
                return filled
        return text if isinstance(text, str) else str(english)

    def get(self, key: str) -> str | None:
        """A translation of data, or None when there is none (show the data's English)."""
        value = self.own.get(key)
        return value if isinstance(value, str) else None

    def country(self, name: str) -> str:
        return self(f"country.{name}") if f"country.{name}" in self.fallback else name

    def mode(self, mode: str) -> str:
        return self(f"mode.{mode}") if f"mode.{mode}" in self.fallback else mode


def read_catalogue(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return flatten(tomllib.load(f))


def _parse_or_empty(raw: bytes | None) -> dict[str, Any]:
    """A broken or missing translation must not take the app down: its language falls back to English."""
    if raw is None:
        return {}
    try:
        return flatten(tomllib.loads(raw.decode("utf-8")))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}


@lru_cache(maxsize=8)
def _load(lang: str, version: str, english_raw: bytes | None, own_raw: bytes | None) -> Strings:
    english = _parse_or_empty(english_raw)
    own = english if lang == DEFAULT else _parse_or_empty(own_raw)
    return Strings(lang, own, english, version)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def strings(lang: str | None = DEFAULT, directory: Path = I18N_DIR) -> Strings:
    """The strings for ``lang`` (unknown codes give English); reread when a catalogue's content changes."""
    lang = lang if lang in LANGUAGES else DEFAULT
    english_raw = _read(directory / f"{DEFAULT}.toml")
    if english_raw is None and directory != I18N_DIR:
        english_raw = _read(I18N_DIR / f"{DEFAULT}.toml")
    own_raw = english_raw if lang == DEFAULT else _read(directory / f"{lang}.toml")
    version = hashlib.sha256((english_raw or b"") + b"\0" + (own_raw or b"")).hexdigest()[:16]
    return _load(lang, version, english_raw, own_raw)


def translate_dataset(dataset: Dataset, s: Strings) -> Dataset:
    """The data with text columns in the language of ``s`` where translated. Quotes stay as published."""
    if s.lang == DEFAULT:
        return dataset
    changes: dict[str, pd.DataFrame] = {}
    for table, columns in TRANSLATABLE.items():
        frame = getattr(dataset, table).copy()
        for column in columns:
            frame[column] = [
                s.get(f"{table}.{rid}.{column}") or value
                for rid, value in zip(frame["id"], frame[column], strict=True)
            ]
        changes[table] = frame
    return dataclasses.replace(dataset, **changes)


# ------------------------------------------------------------------------------------------ validation


def _data_key_problem(lang: str, match: re.Match, dataset: Dataset | None) -> tuple[Severity, str] | None:
    """A translation of data (``route.<id>.title``) that cannot be used, and why."""
    table, record, column = match[1], match[2], match[3]
    if lang == DEFAULT:
        return Severity.ERROR, "English text of data lives in the data file, not here"
    if dataset is not None and record not in set(getattr(dataset, table)["id"]):
        return Severity.WARNING, f"no {table} record with this id"
    if column not in TRANSLATABLE[table]:
        return Severity.ERROR, "this column is not translated"
    return None


def _entry_problems(
    lang: str, key: str, value: object, english: Mapping[str, Any], dataset: Dataset | None
) -> list[tuple[Severity, str]]:
    """What is wrong with one entry: not text, markup, a bad data key, an unknown key, placeholders."""
    if not isinstance(value, str):
        return [(Severity.ERROR, f"expected text; got {type(value).__name__}")]
    out = []
    if _HTML.search(value):
        out.append(
            (
                Severity.ERROR,
                "looks like HTML or an HTML entity; translations are plain text, shown as written",
            )
        )
    data_key = _DATA_KEY.match(key)
    if data_key:
        problem = _data_key_problem(lang, data_key, dataset)
        return out + ([problem] if problem else [])
    if key not in english:
        out.append((Severity.ERROR, "unknown key: not in en.toml (a typo?)"))
    elif fill(value, {name: "" for name in placeholders(value) if name.isidentifier()}) is None:
        out.append(
            (
                Severity.ERROR,
                "a placeholder is a plain {name} (no attribute, index or format); a brace is {{ or }}",
            )
        )
    elif placeholders(value) != placeholders(english[key]):
        out.append(
            (
                Severity.ERROR,
                f"placeholders {sorted(placeholders(value))} differ from English "
                f"{sorted(placeholders(english[key]))}",
            )
        )
    return out


def check_catalogues(
    catalogues: Mapping[str, Mapping[str, Any]], dataset: Dataset | None = None
) -> list[Finding]:
    """Missing, unknown and mismatched keys, and markup, named by file and key like every other finding."""
    findings: list[Finding] = []
    english = catalogues.get(DEFAULT, {})
    for lang, cat in catalogues.items():
        file = f"i18n/{lang}.toml"
        for key, value in cat.items():
            findings += [
                Finding(sev, file, msg, key)
                for sev, msg in _entry_problems(lang, key, value, english, dataset)
            ]
        if lang != DEFAULT:
            findings += [
                Finding(Severity.WARNING, file, "missing: English is shown instead", key)
                for key in english
                if key not in cat
            ]
    return findings


def validate_catalogues(directory: Path = I18N_DIR, dataset: Dataset | None = None) -> list[Finding]:
    catalogues: dict[str, dict[str, Any]] = {}
    findings: list[Finding] = []
    for lang in LANGUAGES:
        path = directory / f"{lang}.toml"
        try:
            catalogues[lang] = read_catalogue(path)
        except FileNotFoundError:
            findings.append(Finding(Severity.ERROR, f"i18n/{lang}.toml", "file is missing"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            findings.append(Finding(Severity.ERROR, f"i18n/{lang}.toml", f"not valid TOML: {exc}"))
    return findings + check_catalogues(catalogues, dataset)
