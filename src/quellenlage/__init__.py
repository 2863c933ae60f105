"""quellenlage: what is known about a news story, according to whom, since when."""

from importlib.metadata import version

from .corpus import Corpus
from .pipeline import analyze, story_corpus
from .store import Store

__version__ = version("quellenlage")
__all__ = ["Corpus", "__version__", "analyze", "open_story"]


def open_story(db: str, story_id: str) -> Corpus:
    """A stored story (id or unambiguous prefix) with its articles, claims, slots and brief."""
    with Store(db) as store:
        return story_corpus(store, story_id)
