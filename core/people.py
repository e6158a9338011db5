"""How a person's name is written: Korean names family name first, others given name first.

Django's ``get_full_name()`` always writes "first last", which turns 박민지 into "민지 박".
Every page, message, export and report names people through :func:`person_name` (templates
through the ``person_name`` filter of ``core_people``) so a name reads the same everywhere.
"""

from typing import Any

HANGUL = (("\uac00", "\ud7a3"), ("\u1100", "\u11ff"), ("\u3130", "\u318f"))


def _hangul(text: str) -> bool:
    return any(low <= char <= high for char in text for low, high in HANGUL)


def full_name(first: str, last: str) -> str:
    """Join a given and a family name in the order their script uses ("박민지", "Ada Lovelace")."""
    first, last = (first or "").strip(), (last or "").strip()
    if _hangul(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def person_name(user: Any) -> str:
    """Return the user's name for display, or the username when no name is set ("" for None)."""
    if user is None:
        return ""
    return full_name(user.first_name, user.last_name) or user.get_username()
