"""Models trained by our own scripts (training/) and shipped as package data."""

from __future__ import annotations

from functools import cache
from importlib.resources import as_file, files

import spacy
from spacy.language import Language

# registers the custom vectors ("quellenlage.PieceVectors.v1") that the NER model's config names
from quellenlage.models import pieces as _pieces  # noqa: F401

NER_MODEL_DIR = "ner_de"


def read_ner() -> Language:
    """A fresh copy of the shipped German NER pipeline (labels PER, ORG, LOC, MISC)."""
    resource = files(__package__).joinpath(NER_MODEL_DIR)
    with as_file(resource) as path:
        return spacy.load(path)


@cache
def load_ner() -> Language:
    """The shipped German NER pipeline, loaded once per process (callers must not add components)."""
    return read_ner()
