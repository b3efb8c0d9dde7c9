"""``deplab parse``: CoNLL-U or plain text in, parsed CoNLL-U out.

The input's format is the one ``--format`` names; ``auto`` decides by the file's extension first
(``.conllu``/``.conll`` is CoNLL-U, ``.txt`` is text), then, for standard input and other names, by
its content (:func:`looks_like_conllu`).  A CoNLL-U file is always read as CoNLL-U, so a malformed one
is reported with its file and line, even when it holds prose; ``--format text`` parses prose.
Parsed sentences lose their stale enhanced graph (see :mod:`deplab.parser.pipeline`).
"""
from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from .conllu import ConlluError, iter_sentences, to_conllu_text
from .fileio import atomic_write_text
from .language import script_warning, segmentation_note
from .log import get_logger, progress

_log = get_logger(__name__)

FORMATS = ("auto", "conllu", "text")
CONLLU_EXTENSIONS = (".conllu", ".conll")
TEXT_EXTENSIONS = (".txt", ".text")
_TOKEN_LINE = re.compile(rb"^(?:[0-9]+|[0-9]+-[0-9]+|[0-9]+\.[0-9]+)\t")
_UD_COMMENT = re.compile(rb"^#\s*(?:sent_id|text|newdoc|newpar|global\.columns)\b")


def add_arguments(p):
    p.add_argument("input", help="CoNLL-U or plain-text file (UTF-8), or - for standard input")
    p.add_argument("--model", metavar="DIR", help="model folder (default: the bundled English EWT model)")
    p.add_argument("-o", "--output", metavar="FILE", help="output file, written atomically (default: standard output)")
    p.add_argument("--keep-tags", action="store_true", help="keep the input's UPOS instead of predicting it (CoNLL-U input)")
    p.add_argument("--format", choices=FORMATS, default="auto",
                   help="input format: conllu, text (plain text: one or more sentences, tokenized for the model's "
                        "language) or auto (by extension, then by content)")


def looks_like_conllu(data: bytes) -> bool:
    """True when the first line that is not blank is a token line (an ID, then a tab) or a UD comment
    (``# sent_id``, ``# text``, …)."""
    for line in data[:1 << 16].splitlines():
        if not line.strip():
            continue
        line = line.lstrip(b"\xef\xbb\xbf")
        return bool(_TOKEN_LINE.match(line) or _UD_COMMENT.match(line))
    return False


def input_format(name: str, data: bytes, requested: str = "auto") -> str:
    """``conllu`` or ``text``: the requested format, else by extension, else by content."""
    if requested != "auto":
        return requested
    suffix = Path(name).suffix.lower() if name != "-" else ""
    if suffix in CONLLU_EXTENSIONS:
        return "conllu"
    if suffix in TEXT_EXTENSIONS:
        return "text"
    return "conllu" if looks_like_conllu(data) else "text"


def _decode(data: bytes, name: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise ConlluError(name, line, "invalid UTF-8: plain text must be UTF-8") from None
    return text.lstrip("\ufeff")


def run(args) -> int:
    if args.input == "-":
        data, name = sys.stdin.buffer.read(), "<stdin>"
    else:
        data, name = Path(args.input).read_bytes(), args.input
    fmt = input_format(args.input, data, args.format)
    if fmt == "conllu":
        sentences = list(iter_sentences(io.BytesIO(data), name))  # malformed input stops here, before torch
    else:
        text = _decode(data, name)
    from .pipeline import Pipeline
    pipe = Pipeline.load(args.model)
    if fmt == "text":
        warning, note = script_warning(text, pipe.language), segmentation_note(text, pipe.language)
        if warning:
            _log.warning("%s: %s", name, warning)
        if note:
            _log.info("%s: %s", name, note)
        sentences = pipe.sentences_from_text(text)
    _log.info("%s: %d sentence(s) (%s), model %s (%s)", name, len(sentences), fmt,
              pipe.model_dir or "in memory", pipe.language)
    with progress("parsing", "sentences") as bar:
        parsed = pipe.parse(sentences, keep_tags=args.keep_tags and fmt == "conllu",
                            progress=lambda done: bar(done, len(sentences)))
    out = to_conllu_text(parsed)
    if args.output:
        atomic_write_text(args.output, out)
    else:
        sys.stdout.write(out)
    return 0
