"""Every URL pattern of the project, and a concrete URL for each.

``all_routes()`` walks ``get_resolver()`` recursively (the admin, the DRF routers, every include)
so that a route added anywhere shows up here without anyone listing it.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

GROUP = re.compile(r"\(\?P<(\w+)>")
CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Route:
    """One URL pattern: its qualified name (or None), its full pattern text and its parts."""

    name: str | None
    pattern: str
    parts: tuple[Any, ...]
    callback: Any

    @property
    def id(self) -> str:
        """How the matrix refers to the route: its name, else its pattern."""
        return self.name or self.pattern

    @property
    def params(self) -> list[str]:
        found: list[str] = []
        for part in self.parts:
            if isinstance(part, RoutePattern):
                found += list(part.converters)
            elif isinstance(part, RegexPattern):
                found += list(part.regex.groupindex)
        return found


def all_routes() -> list[Route]:
    """Return every pattern reachable from ROOT_URLCONF, in resolution order."""
    return list(_walk(get_resolver().url_patterns, (), None))


def _walk(patterns: list[Any], parts: tuple[Any, ...], namespace: str | None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace) if n) or None
            yield from _walk(entry.url_patterns, (*parts, entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            full = (*parts, entry.pattern)
            name = None
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Route(name, "".join(str(p) for p in full), full, entry.callback)


def _regex_part(text: str, values: dict[str, str]) -> str:
    """Fill the named groups of a regex pattern (groups may nest parentheses)."""
    text = text.removeprefix("^").removesuffix("$")
    out, index = [], 0
    while index < len(text):
        match = GROUP.match(text, index)
        if match is None:
            out.append(text[index])
            index += 1
            continue
        depth, cursor = 1, match.end()
        while depth:
            char = text[cursor]
            if char == "\\":
                cursor += 1
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            cursor += 1
        out.append(values[match.group(1)])
        index = cursor
    return "".join(out).replace("\\", "")


def build_url(route: Route, values: dict[str, str]) -> str:
    """Return a concrete path for ``route`` with ``values`` for its parameters."""
    built = []
    for part in route.parts:
        if isinstance(part, RoutePattern):
            built.append(CONVERTER.sub(lambda m: values[m.group(1)], str(part)))
        else:
            built.append(_regex_part(str(part), values))
    return "/" + "".join(built)
