"""Plain text -> sentences of tokens, for the model's language.

``spacy.blank(lang)`` gives the language's tokenizer exceptions and punctuation rules without any
trained model; the rule-based ``sentencizer`` splits sentences at final punctuation.  A language
spaCy has no rules for (or whose rules need a library that is not installed) gets spaCy's
multi-language rules (``xx``).  Nothing is downloaded.

Languages written without spaces (Chinese, Japanese, Thai, …; :data:`language.NO_SPACE_LANGUAGES`)
are segmented here instead: spaCy's Chinese default splits every character and its Japanese
tokenizer needs SudachiPy.  Runs of such letters are cut by forward maximum matching (the longest
word of a lexicon at each position, one character when none matches; Wong & Chan 1996, "Chinese
word segmentation based on maximum matching and word binding force") against the model's own
vocabulary; spaces the user typed are always word boundaries, so pre-tokenized input is kept as is.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable, Container

from .language import NO_SPACE_LANGUAGES, script_of
from .log import get_logger
from .vocab import normalize

_log = get_logger(__name__)

# Scripts whose words are not separated by spaces.
NO_SPACE_SCRIPTS = frozenset({"Han", "Hiragana", "Katakana", "Thai", "Lao", "Khmer", "Myanmar", "Tibetan"})
MAX_WORD = 8  # the longest word tried by maximum matching, in characters

_SENTENCE = re.compile(r"[^。！？!?]*(?:[。！？!?]+[”’」』）)\]]*|$)")


@lru_cache(maxsize=4)
def _nlp(lang: str):
    import spacy
    try:
        nlp = spacy.blank(lang)
    except ImportError as e:  # no rules for this language, or they need a library that is not installed
        _log.warning("spaCy has no usable tokenizer for %r (%s); using its multi-language rules",
                     lang, str(e).split("\n")[0][:160])
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


def tokenize(text: str, lang: str = "en", lexicon: Container[str] | None = None) -> list[tuple[list[str], list[bool]]]:
    """Sentences as (forms, space_after) lists; white space is dropped.  ``lexicon`` (normalised word
    forms, see :func:`vocab.normalize`) is used to segment languages written without spaces."""
    if lang in NO_SPACE_LANGUAGES:
        return segment(text, lexicon)
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


def _joins(ch: str) -> bool:
    """A letter of a script written without spaces, or a combining mark (Thai vowels)."""
    return script_of(ch) in NO_SPACE_SCRIPTS or unicodedata.category(ch).startswith("M")


def maximum_matching(run: str, known: Callable[[str], bool], max_word: int = MAX_WORD) -> list[str]:
    """Forward maximum matching: at each position the longest prefix that ``known`` accepts, else one
    character."""
    out, i = [], 0
    while i < len(run):
        for n in range(min(max_word, len(run) - i), 1, -1):
            if known(run[i:i + n]):
                break
        else:
            n = 1
        out.append(run[i:i + n])
        i += n
    return out


def _split_chunk(chunk: str, known: Callable[[str], bool]) -> list[str]:
    """One stretch without white space -> tokens: runs of space-less letters by maximum matching, other
    letters and digits together, each punctuation mark alone (a repeated one, like ……, as one token)."""
    out, i = [], 0
    while i < len(chunk):
        ch, j = chunk[i], i + 1
        if _joins(ch):
            while j < len(chunk) and _joins(chunk[j]):
                j += 1
            out.extend(maximum_matching(chunk[i:j], known))
        else:
            if ch.isalnum():
                while j < len(chunk) and chunk[j].isalnum() and not _joins(chunk[j]):
                    j += 1
            else:
                while j < len(chunk) and chunk[j] == ch:
                    j += 1
            out.append(chunk[i:j])
        i = j
    return out


def segment(text: str, lexicon: Container[str] | None = None) -> list[tuple[list[str], list[bool]]]:
    """Sentences of a text written without spaces, as (forms, space_after): sentences end after 。！？!?
    (and any closing quotes), words come from :func:`maximum_matching` against ``lexicon``."""
    known = (lambda w: normalize(w) in lexicon) if lexicon else (lambda w: False)
    out = []
    for part in _SENTENCE.findall(text):
        forms, spaces = [], []
        for m in re.finditer(r"\S+", part):
            tokens = _split_chunk(m.group(), known)
            forms.extend(tokens)
            spaces.extend([False] * (len(tokens) - 1) + [m.end() < len(part)])
        if forms:
            out.append((forms, spaces))
    return out
