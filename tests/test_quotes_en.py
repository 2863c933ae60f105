"""English reported speech and quote speakers: no comma, no mood, the subject before the verb."""

from __future__ import annotations

import pytest

from quellenlage.extract.quotes import find_quotes
from quellenlage.language import get_nlp, ner_model_available

pytestmark = pytest.mark.skipif(not ner_model_available(), reason="needs the shipped NER model")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Residents say they had warned the authority for years.",
            ("they had warned the authority for years", "Residents"),
        ),
        ("The minister told reporters that the talks had failed.", ("the talks had failed", "minister")),
        (
            "A spokesman said on Monday that the plant would stay closed.",
            ("the plant would stay closed", "spokesman"),
        ),
        ("The talks had failed, the minister said.", ("The talks had failed", "minister")),
        (
            "The authority, which runs the dam, said the wall had been inspected in autumn.",
            ("the wall had been inspected in autumn", "authority"),
        ),
        ("The company said in a statement it would appeal.", ("it would appeal", "company")),
        ("The minister said in Berlin.", None),
        ("The minister told reporters", None),  # no clause, and no full stop to end the text
        ("Oberle has promised a full inquiry.", None),  # an object, not a clause
        ("Police said eight people were still missing.", None),  # a figure: a claim, not a quote
        ("“We owe them an answer,” Oberle told Reuters.", ("We owe them an answer,", "Oberle")),
        (
            "“We did nothing wrong,” said its director, Peter Lammers.",
            ("We did nothing wrong,", "Peter Lammers"),
        ),
        (  # the role with its attribute, then the name; not "We" inside the quote
            '"We will not give in," Nationalbahn\'s head of personnel, Petra Albrecht-Sommer, '
            "said on Friday.",
            ("We will not give in,", "Petra Albrecht-Sommer"),
        ),
        (  # the subject before the verb, not the object after it
            "“It is over,” the union's chief, Tom Baker, told reporters.",
            ("It is over,", "Tom Baker"),
        ),
    ],
)
def test_english_quotes(text: str, expected: tuple[str, str] | None) -> None:
    found = [(q.text, q.speaker) for q in find_quotes("a", text, get_nlp("en")(text))]
    assert found == ([expected] if expected else [])
