"""``deplab parse``: CoNLL-U or plain text in, parsed CoNLL-U out."""
from __future__ import annotations

import io
import sys
from pathlib import Path

from .conllu import iter_sentences, to_conllu_text
from .pipeline import Pipeline


def add_arguments(p):
    p.add_argument("input", help="CoNLL-U or plain-text file, or - for standard input")
    p.add_argument("--model", help="model folder (default: the bundled English EWT model)")
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    p.add_argument("--keep-tags", action="store_true", help="keep the input UPOS instead of predicting it")
    p.add_argument("--format", choices=["auto", "conllu", "text"], default="auto")


def _looks_like_conllu(data: bytes) -> bool:
    for line in data.splitlines():
        if line.strip() and not line.startswith(b"#"):
            return line.count(b"\t") == 9
    return data.lstrip().startswith(b"#")


def run(args) -> int:
    if args.input == "-":
        data, name = sys.stdin.buffer.read(), "<stdin>"
    else:
        data, name = Path(args.input).read_bytes(), args.input
    pipe = Pipeline.load(args.model)
    fmt = args.format if args.format != "auto" else ("conllu" if _looks_like_conllu(data) else "text")
    if fmt == "conllu":
        sentences = list(iter_sentences(io.BytesIO(data), name))
        parsed = pipe.parse(sentences, keep_tags=args.keep_tags)
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            from .conllu import ConlluError
            line = data[:e.start].count(b"\n") + 1
            raise ConlluError(name, line, "invalid UTF-8") from None
        parsed = pipe.parse(pipe.sentences_from_text(text))
    out = to_conllu_text(parsed)
    if args.output:
        Path(args.output).write_text(out, encoding="utf-8")
    else:
        sys.stdout.write(out)
    return 0
