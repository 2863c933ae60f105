"""Rules are data: cue tables shipped as small text files beside this module."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def read_text(name: str) -> str:
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


@cache
def read_rows(name: str) -> tuple[tuple[str, ...], ...]:
    """Rows of a tab-separated table; blank lines and `#` comments are skipped."""
    lines = (line.rstrip("\n") for line in read_text(name).splitlines())
    return tuple(tuple(line.split("\t")) for line in lines if line.strip() and not line.startswith("#"))


@cache
def read_json(name: str) -> Any:
    return json.loads(read_text(name))


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` (escaped), longest first so that a word wins over its prefix."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))
