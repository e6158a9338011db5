"""The Korean catalogue is complete, well-formed and compiled; the English one exists.

The PO files are read with a small standard-library parser (no polib). Run ``make messages``
(makemessages + compilemessages) after adding or changing a user-visible string, then translate
the new entries in ``locale/ko/LC_MESSAGES/django.po``.
"""

import ast
import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import translation

from incidents.models import Severity, Status

BASE_DIR = Path(django_settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "locale"
KO_PO = LOCALE_DIR / "ko" / "LC_MESSAGES" / "django.po"
# What makemessages must skip (the same list as `make messages`).
IGNORED = [".venv", "var", "tests", "bench", "node_modules"]

NAMED = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
POSITIONAL = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACE = re.compile(r"(?<!\{)\{(\w*)(?:[!:][^{}]*)?\}(?!\})")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return self.msgctxt, self.msgid


def parse_po(path: Path) -> list[Entry]:
    """Return the live entries of a PO file (obsolete ``#~`` entries are left out)."""
    entries: list[Entry] = []
    entry, keyword = Entry(), ""
    for number, raw in enumerate([*path.read_text(encoding="utf-8").splitlines(), ""], start=1):
        line = raw.strip()
        if not line:  # a blank line ends an entry
            if keyword:
                entries.append(entry)
            entry, keyword = Entry(), ""
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):  # continuation of the last keyword's string
            text = ast.literal_eval(line)
            if keyword.startswith("msgstr"):
                entry.msgstrs[-1] += text
            else:
                setattr(entry, keyword, getattr(entry, keyword) + text)
        else:
            keyword, _, value = line.partition(" ")
            text = ast.literal_eval(value)
            entry.line = entry.line or number
            if keyword.startswith("msgstr"):
                entry.msgstrs.append(text)
            else:
                setattr(entry, keyword, text)
    return entries


def _translatable(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.msgid]


def _label(entry: Entry) -> str:
    return f"line {entry.line}: {entry.msgid!r}"


def _placeholders(text: str, entry: Entry) -> tuple:
    """Return what must survive translation: format placeholders (by the entry's flags) and tags."""
    named, positional, brace = set(), [], set()
    if "python-format" in entry.flags:
        named = {m.group(0) for m in NAMED.finditer(text)}
        positional = sorted(POSITIONAL.findall(NAMED.sub("", text.replace("%%", ""))))
    if "python-brace-format" in entry.flags:
        brace = set(BRACE.findall(text))
    return named, positional, brace, sorted(TAG.findall(text))


@pytest.fixture(scope="module")
def ko_entries() -> list[Entry]:
    assert KO_PO.exists(), "run `make messages` to create the Korean catalogue"
    return parse_po(KO_PO)


def test_the_parser_sees_the_whole_catalogue(ko_entries):
    header = [e for e in ko_entries if not e.msgid]
    assert len(header) == 1
    assert "Language: ko" in header[0].msgstrs[0]
    assert "nplurals=1" in header[0].msgstrs[0]
    assert len(_translatable(ko_entries)) > 300


def test_every_korean_entry_is_translated(ko_entries):
    empty = [_label(e) for e in _translatable(ko_entries) if not e.msgstrs or not all(e.msgstrs)]
    assert not empty, "untranslated Korean entries:\n" + "\n".join(empty)


def test_no_fuzzy_entries(ko_entries):
    fuzzy = [_label(e) for e in ko_entries if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy Korean entries (check, then drop the flag):\n" + "\n".join(fuzzy)


def test_korean_plurals_have_one_form(ko_entries):
    wrong = [_label(e) for e in ko_entries if e.msgid_plural is not None and len(e.msgstrs) != 1]
    assert not wrong, "Korean has one plural form (msgstr[0] only):\n" + "\n".join(wrong)


def test_placeholders_and_markup_are_kept(ko_entries):
    wrong = []
    for entry in _translatable(ko_entries):
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        for msgstr in entry.msgstrs:
            got = _placeholders(msgstr, entry)
            # A plural's singular may leave out the count (e.g. "one hour"), so match either form.
            if all(got != _placeholders(source, entry) for source in sources):
                wrong.append(f"{_label(entry)} -> {msgstr!r}")
    assert not wrong, "placeholders or HTML differ from the msgid:\n" + "\n".join(wrong)


def test_leading_and_trailing_newlines_match(ko_entries):
    wrong = [
        _label(e)
        for e in _translatable(ko_entries)
        for s in e.msgstrs
        if s.startswith("\n") != e.msgid.startswith("\n")
        or s.endswith("\n") != e.msgid.endswith("\n")
    ]
    assert not wrong, "\n".join(wrong)


def test_the_english_catalogue_exists_and_is_clean():
    entries = parse_po(LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po")
    assert not [e for e in entries if "fuzzy" in e.flags]
    assert (LOCALE_DIR / "en" / "LC_MESSAGES" / "django.mo").exists()


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_every_source_string_is_in_the_korean_catalogue(
    ko_entries, tmp_path, monkeypatch, settings
):
    """Extract the strings of a copy of the source tree and compare with the committed catalogue."""
    source = tmp_path / "src"
    shutil.copytree(
        BASE_DIR,
        source,
        ignore=shutil.ignore_patterns(".*", "locale", "__pycache__", "*.egg-info", *IGNORED),
    )
    (source / "locale").mkdir()
    monkeypatch.chdir(source)
    settings.LOCALE_PATHS = [source / "locale"]
    call_command("makemessages", locale=["ko"], ignore_patterns=IGNORED, verbosity=0)
    extracted = {e.key for e in _translatable(parse_po(source / "locale/ko/LC_MESSAGES/django.po"))}
    assert (None, "Page not found") in extracted  # the extraction did see the project
    missing = sorted(extracted - {e.key for e in _translatable(ko_entries)}, key=str)
    assert not missing, "run `make messages` and translate:\n" + "\n".join(map(str, missing))


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("language", ["ko", "en"])
def test_committed_mo_matches_the_po(language, tmp_path):
    """The committed .mo holds exactly what compiling the .po gives (compilemessages was run)."""
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    subprocess.run(  # noqa: S603
        ["msgfmt", "--check", "-o", str(fresh), str(folder / "django.po")],  # noqa: S607
        check=True,
        capture_output=True,
    )
    with (folder / "django.mo").open("rb") as committed, fresh.open("rb") as compiled:
        committed_catalogue = gettext.GNUTranslations(committed)._catalog
        compiled_catalogue = gettext.GNUTranslations(compiled)._catalog
    assert committed_catalogue == compiled_catalogue, "run `make messages` (compilemessages)"


def test_key_strings_translate_to_korean():
    with translation.override("ko"):
        assert [str(label) for label in Severity.labels] == [
            "1 - 긴급",
            "2 - 높음",
            "3 - 보통",
            "4 - 낮음",
        ]
        assert str(Status.NEW.label) == "신규"
        assert str(Status.RESOLVED.label) == "해결됨"
        assert str(Status.CLOSED.label) == "종료됨"
        assert translation.gettext("Page not found") == "페이지를 찾을 수 없습니다"
        hours = translation.ngettext("%(count)d hour", "%(count)d hours", 2)
        assert hours % {"count": 2} == "2시간"


def test_english_falls_back_to_the_source_strings():
    with translation.override("en"):
        assert str(Severity.CRITICAL.label) == "1 - Critical"
        assert translation.gettext("Page not found") == "Page not found"
