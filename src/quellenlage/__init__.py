"""quellenlage: what is known about a news story, according to whom, since when."""

from importlib.metadata import version

from .corpus import Corpus
from .pipeline import analyze

__version__ = version("quellenlage")
__all__ = ["Corpus", "__version__", "analyze"]
