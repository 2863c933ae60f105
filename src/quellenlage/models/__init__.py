"""Models trained by our own scripts (training/) and shipped as package data."""

from __future__ import annotations

from functools import cache
from importlib.resources import as_file, files

import spacy
from spacy.language import Language

NER_MODEL_DIR = "ner_de"


@cache
def load_ner() -> Language:
    """The shipped German NER pipeline (labels PER, ORG, LOC, MISC), loaded once per process."""
    resource = files(__package__).joinpath(NER_MODEL_DIR)
    with as_file(resource) as path:
        return spacy.load(path)
