"""Whether an outline's TODOs are about the task: a TODO that shares no word with the spec.

A small model can copy its prompt's example (a notes store's ``load_notes``) into the plan
of a task that never asked for it. The run's report lists the TODOs whose name and
description share no word with the spec (``plan_off_spec``): a hint for the reader, not a
verdict (a TODO can be needed without the spec naming it). Words are compared lowercased,
split at ``_``, ``-`` and camelCase humps, a plural ``s`` and everything past five letters
left out (``counts`` and ``counter`` meet), common English and code words ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["off_spec", "words"]

_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
#: Words too common to tell a task from another.
_COMMON_WORDS = """
the and for with from into onto that this these those then than when what which while
each every all any some one two not but are was were has have had its his her our their
you your can may will should would could must use using used make makes made get gets
set sets new old write writes read reads return returns give gives take takes call calls
file files code line lines list lists value values item items data thing things way
function functions method methods class classes type types module modules helper
helpers todo todos
"""
_COMMON = frozenset(_COMMON_WORDS.split())


def words(text: str) -> set[str]:
    """``text``'s distinctive words, normalised for comparison."""
    found = set()
    for word in _WORD.findall(text):
        word = word.lower()
        if len(word) < 3 or word in _COMMON:
            continue
        if word.endswith("s") and len(word) > 3:
            word = word[:-1]
        found.add(word[:5])
    return found


def off_spec(spec: str, todos: Iterable[tuple[str, str]]) -> list[str]:
    """The names of the TODOs (name, description) that share no word with ``spec``; none
    when the spec has no distinctive word to compare with."""
    wanted = words(spec)
    if not wanted:
        return []
    return [name for name, description in todos if not words(f"{name} {description}") & wanted]
