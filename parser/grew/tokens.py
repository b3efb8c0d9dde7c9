"""The tokens of a Grew request: identifiers, strings, regular expressions, operators, new lines.

Comments (``%`` to the end of the line) and spaces are dropped; new lines are kept, since they
separate clauses as ``;`` does.  Every token carries its 1-based line and column.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .syntax_tree import Pos, RequestError


TOKEN = re.compile(r"""
    (?P<ws>[ \t\r]+)
  | (?P<nl>\n)
  | (?P<comment>%[^\n]*)
  | (?P<regex>re"(?:[^"\\\n]|\\.)*")
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<edge_open>-\[)
  | (?P<edge_close>\]->)
  | (?P<arrow>->)
  | (?P<op><<|>>|<>|[{}\[\];,|=!<>.:^*])
  | (?P<ident>[\w]+(?:[-'][\w]+)*)
""", re.VERBOSE)


@dataclass
class Tok:
    kind: str
    text: str
    pos: Pos


def tokenize(text: str, source: str = "pattern") -> list[Tok]:
    out: list[Tok] = []
    i, line, col = 0, 1, 1
    while i < len(text):
        m = TOKEN.match(text, i)
        if not m:
            ch = text[i]
            if ch == '"' or text.startswith('re"', i):
                raise RequestError("unterminated string: a closing \" is missing on this line", line, col, source)
            raise RequestError(f"unexpected character {ch!r}", line, col, source)
        kind, s = m.lastgroup, m.group()
        if kind == "nl":
            out.append(Tok("nl", s, Pos(line, col)))
            line, col = line + 1, 1
        else:
            if kind not in ("ws", "comment"):
                out.append(Tok(kind if kind != "op" else s, s, Pos(line, col)))
            col += len(s)
        i = m.end()
    out.append(Tok("eof", "", Pos(line, col)))
    return out


def unquote(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s)


def describe(t: Tok) -> str:
    if t.kind == "eof":
        return "the end of the request"
    if t.kind == "nl":
        return "a new line"
    return repr(t.text)
