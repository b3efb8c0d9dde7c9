"""Plain text -> sentences of tokens, with spaCy's rule-based pipeline.

``spacy.blank(lang)`` gives the language's tokenizer exceptions and
punctuation rules without any trained model; the rule-based ``sentencizer``
splits sentences at final punctuation.  Nothing is downloaded.
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4)
def _nlp(lang: str):
    import spacy
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    return nlp


def tokenize(text: str, lang: str = "en") -> list[tuple[list[str], list[bool]]]:
    """Sentences as (forms, space_after) lists; white space is dropped."""
    out = []
    for sent in _nlp(lang)(text).sents:
        forms, spaces = [], []
        for tok in sent:
            if tok.is_space:
                if spaces:
                    spaces[-1] = True
                continue
            forms.append(tok.text)
            spaces.append(bool(tok.whitespace_))
        if forms:
            out.append((forms, spaces))
    return out
