"""Validating a CoNLL-U file against the UD guidelines, like the UD project's ``validate.py``.

Levels follow the official validator (https://github.com/UniversalDependencies/tools):

1. format: ten tab-separated columns, no empty or white-space-padded fields, word IDs
   1, 2, ..., multiword-token ranges and empty nodes in place, comments before the tokens,
   the file ending with an empty line, Unicode in NFC;
2. contents: ``sent_id`` present and unique, ``# text`` present and equal to the forms
   joined with ``SpaceAfter=No``, UPOS among the 17 universal tags, DEPREL a universal
   relation (optionally ``:subtype``), FEATS and MISC syntax and FEATS sorting, HEAD a word
   of the sentence, exactly one root attached as ``root`` and only it, no cycles, DEPS
   syntax, references and sorting, the enhanced graph connected from 0, and present in
   every sentence or in none (as the official validator, which does not require the basic
   HEAD to reappear in DEPS: relative pronouns take ``ref`` instead);
3. the universal syntactic checks that need no language data (Zeman et al., the UD
   guidelines https://universaldependencies.org/u/overview/syntax.html): ``punct`` on
   PUNCT only and PUNCT only as ``punct``, function words as leaves (``case``, ``mark``,
   ``cc``, ``aux``, ``cop``, ``fixed``, ``goeswith``, ``punct`` with the exceptions the
   guidelines allow), UPOS of function relations, ``conj``/``fixed``/``flat``/``appos``/
   ``goeswith`` going left to right, ``goeswith`` groups (contiguous, separated by spaces,
   annotated on the first part, Typo=Yes), punctuation neither attached non-projectively nor
   making other words non-projective, and (as warnings) gaps in ``fixed``, ``flat:foreign``
   words and the parent of ``orphan``.

The package: :mod:`.lines` (columns, IDs, sentence blocks), :mod:`.problem`, one module per level
(:mod:`.level1_format`, :mod:`.level2_contents`, :mod:`.level3_syntax`), :mod:`.validator` (the
three together, :func:`validate_bytes`, :func:`validate_file`) and :mod:`.command` (``deplab validate``).

Language-specific checks (levels 4-5: a language's features, subtypes, auxiliaries)
need the UD project's language data, which is not bundled.  Every problem carries the
file, line, sentence, word, level and the validator's test id, and reading goes on after
a problem so that one run lists them all.
"""
from __future__ import annotations

from .problem import ERROR, WARNING, Problem
from .validator import Validator, validate_bytes, validate_file

__all__ = ["ERROR", "WARNING", "Problem", "Validator", "validate_bytes", "validate_file"]
