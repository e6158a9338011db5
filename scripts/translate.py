"""Refresh the catalogues and fill Korean translations from JSON files, under one lock.

    .venv/bin/python scripts/translate.py my-strings.json [more.json ...]

Each JSON file maps an English msgid to its Korean text (plural entries take one string: Korean
has a single plural form; a ``context\\u0004msgid`` key targets a ``pgettext`` entry). The
script takes ``var/messages.lock`` so that several people (or helpers) working in one
tree never write the PO files at the same time, runs ``make messages`` (makemessages), fills
the entries that are empty or fuzzy, then compiles. It prints the Korean entries still empty.
"""

import fcntl
import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
KO_PO = ROOT / "locale" / "ko" / "LC_MESSAGES" / "django.po"
LOCK = ROOT / "var" / "messages.lock"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
MAKEMESSAGES = [
    PYTHON, "manage.py", "makemessages", "-l", "ko", "-l", "en",
    "--ignore=.venv", "--ignore=var", "--ignore=tests", "--ignore=bench",
]  # fmt: skip
COMPILEMESSAGES = [PYTHON, "manage.py", "compilemessages", "--ignore=.venv"]


def _fill(po: polib.POFile, translations: dict[str, str]) -> int:
    filled = 0
    for entry in po:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        text = translations.get(key)
        if text is None:
            continue
        empty = not (entry.msgstr or any(entry.msgstr_plural.values()))
        if not empty and "fuzzy" not in entry.flags:
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: text}
        else:
            entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        filled += 1
    return filled


def main(paths: list[str]) -> int:
    translations: dict[str, str] = {}
    for path in paths:
        translations.update(json.loads(Path(path).read_text(encoding="utf-8")))
    env = {"DJANGO_DEBUG": "1", "PATH": "/usr/bin:/bin"}
    LOCK.parent.mkdir(exist_ok=True)
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(MAKEMESSAGES, cwd=ROOT, env=env, check=True)  # noqa: S603
        po = polib.pofile(str(KO_PO), wrapwidth=79)
        filled = _fill(po, translations)
        po.save()
        subprocess.run(COMPILEMESSAGES, cwd=ROOT, env=env, check=True)  # noqa: S603
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    print(f"filled {filled}; still untranslated or fuzzy: {len(missing)}")
    for msgid in missing:
        print(f"  {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
