"""Level 2 of the UD validator: the contents of the columns, the tree and the text.

``sent_id`` present and unique, ``# text`` present and equal to the forms joined with
``SpaceAfter=No``, UPOS among the 17 universal tags, DEPREL a universal relation (optionally
``:subtype``), FEATS and MISC syntax and FEATS sorting, HEAD a word of the sentence, exactly one
root attached as ``root`` and only it, no cycles, DEPS syntax, references and sorting, the enhanced
graph connected from 0, and present in every sentence or in none (as the official validator, which
does not require the basic HEAD to reappear in DEPS: relative pronouns take ``ref`` instead).
"""
from __future__ import annotations

from .lines import (Block, DEPREL, DEPREL_RE, DEPS, EDEPREL, EMPTY_ID, FEATS, FEAT_NAME, FEAT_VALUE, FORM,
                    HEAD, HEAD_ID, META, MISC, RANGE_ID, Token, UNIVERSAL_DEPRELS, UPOS, UPOS_COL, WORD_ID, WS)


class ContentChecks:
    """Level 2: metadata (sent_id, text), UPOS, DEPREL, FEATS and MISC, the basic tree (HEAD, one root,
    no cycles), the enhanced graph (DEPS) and the text against the forms.  A part of
    :class:`parser.validate.validator.Validator`, which supplies ``report`` and the file's state."""

    def check_metadata(self, block: Block) -> None:
        ids = [(ln, c) for ln, c in block.comments if (m := META.match(c)) and m.group(1) == "sent_id"]
        texts = [(ln, c) for ln, c in block.comments if (m := META.match(c)) and m.group(1) == "text"]
        if not ids:
            self.report(block.start, block, None, 2, "missing-sent-id", "the sentence has no '# sent_id = ...'")
        elif len(ids) > 1:
            self.report(ids[1][0], block, None, 2, "multiple-sent-id", "the sentence has more than one sent_id")
        else:
            sid = META.match(ids[0][1]).group(2)
            if not sid or WS.search(sid):
                self.report(ids[0][0], block, None, 2, "invalid-sent-id", f"sent_id {sid!r} is empty or has spaces")
            elif sid in self.sent_ids:
                self.report(ids[0][0], block, None, 2, "non-unique-sent-id",
                            f"sent_id {sid!r} was already used on line {self.sent_ids[sid]}")
            else:
                self.sent_ids[sid] = ids[0][0]
        if not texts:
            self.report(block.start, block, None, 2, "missing-text", "the sentence has no '# text = ...'")
        elif len(texts) > 1:
            self.report(texts[1][0], block, None, 2, "multiple-text", "the sentence has more than one '# text'")

    def check_token_contents(self, block: Block) -> None:
        for t in block.tokens:
            c = t.cols
            if not WORD_ID.match(t.id):
                if EMPTY_ID.match(t.id):
                    self.check_upos_feats(block, t)
                self.check_misc(block, t)
                continue
            self.check_upos_feats(block, t)
            if not DEPREL_RE.match(c[DEPREL]):
                self.report(t.line, block, t.id, 2, "invalid-deprel",
                            f"DEPREL {c[DEPREL]!r} is not a relation (lowercase, optionally relation:subtype)")
            elif c[DEPREL].split(":")[0] not in UNIVERSAL_DEPRELS:
                self.report(t.line, block, t.id, 2, "unknown-deprel",
                            f"{c[DEPREL].split(':')[0]!r} is not a universal relation")
            self.check_misc(block, t)

    def check_upos_feats(self, block: Block, t: Token) -> None:
        c = t.cols
        if c[FEATS] != "_":
            self.seen_feats = True
        if c[UPOS_COL] not in UPOS and not (c[UPOS_COL] == "_" and EMPTY_ID.match(t.id)):
            self.report(t.line, block, t.id, 2, "unknown-upos", f"UPOS {c[UPOS_COL]!r} is not a universal tag")
        feats = c[FEATS]
        if feats == "_":
            return
        names = []
        for item in feats.split("|"):
            name, sep, value = item.partition("=")
            if not sep or not name or not value:
                self.report(t.line, block, t.id, 2, "invalid-feature", f"{item!r} is not Feature=Value")
                continue
            if not FEAT_NAME.match(name):
                self.report(t.line, block, t.id, 2, "invalid-feature", f"invalid feature name {name!r}")
            values = value.split(",")
            for v in values:
                if not FEAT_VALUE.match(v):
                    self.report(t.line, block, t.id, 2, "invalid-feature-value", f"invalid value {v!r} of {name}")
            if len(set(values)) != len(values):
                self.report(t.line, block, t.id, 2, "repeated-feature-value", f"{name} repeats a value")
            elif values != sorted(values, key=str.lower):
                self.report(t.line, block, t.id, 2, "unsorted-feature-values",
                            f"the values of {name} must be sorted: {','.join(sorted(values, key=str.lower))}")
            names.append(name)
        if len(set(names)) != len(names):
            self.report(t.line, block, t.id, 2, "repeated-feature", "a feature appears twice in FEATS")
        elif names != sorted(names, key=str.lower):
            self.report(t.line, block, t.id, 2, "unsorted-features",
                        f"FEATS must be sorted by name (case-insensitive): {'|'.join(sorted(names, key=str.lower))} ...")

    def check_misc(self, block: Block, t: Token) -> None:
        misc = t.cols[MISC]
        if misc == "_":
            return
        items = misc.split("|")
        if any(i == "" for i in items):
            self.report(t.line, block, t.id, 2, "empty-misc", "MISC has an empty attribute ('||' or a '|' at an end)")
        names = [i.split("=", 1)[0] for i in items if "=" in i]
        for i in items:
            if i and i != i.strip():
                self.report(t.line, block, t.id, 2, "misc-extra-space", f"MISC attribute {i!r} has extra spaces")
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            self.report(t.line, block, t.id, 2, "repeated-misc", f"MISC repeats {', '.join(sorted(dup))}")

    def check_tree(self, block: Block) -> None:
        words = block.words()
        n = len(words)
        heads: list[int | None] = []
        for t in words:
            h = t.cols[HEAD]
            if not h.isdigit() or (h != "0" and h.startswith("0")):
                self.report(t.line, block, t.id, 2, "invalid-head", f"HEAD {h!r} must be a word number or 0")
                heads.append(None)
                continue
            hi = int(h)
            if hi > n:
                self.report(t.line, block, t.id, 2, "unknown-head", f"HEAD {hi} is not a word: the sentence has {n}")
                heads.append(None)
            elif hi == int(t.id):
                self.report(t.line, block, t.id, 2, "head-self-loop", "a word cannot be its own head")
                heads.append(None)
            else:
                heads.append(hi)
            rel = t.cols[DEPREL].split(":")[0]
            if hi == 0 and rel != "root":
                self.report(t.line, block, t.id, 2, "0-is-not-root",
                            f"a word attached to 0 must be 'root', not {t.cols[DEPREL]!r}")
            if hi != 0 and rel == "root":
                self.report(t.line, block, t.id, 2, "root-is-not-0", "'root' is for the word attached to 0 only")
        if any(h is None for h in heads):
            block.broken = True
            return
        roots = [words[d] for d, h in enumerate(heads) if h == 0]
        if not roots:
            self.report(block.start, block, None, 2, "missing-root", "no word is attached to 0 (the root)")
        elif len(roots) > 1:
            self.report(roots[1].line, block, roots[1].id, 2, "multiple-roots",
                        f"words {', '.join(r.id for r in roots)} are all attached to 0; exactly one may be")
        # reachability from the root: a cycle leaves words unreachable
        seen = {0}
        children: dict[int, list[int]] = {}
        for d, h in enumerate(heads, 1):
            children.setdefault(h, []).append(d)
        stack = [0]
        while stack:
            for c in children.get(stack.pop(), []):
                if c not in seen:
                    seen.add(c)
                    stack.append(c)
        unreachable = [d for d in range(1, n + 1) if d not in seen]
        if unreachable:
            t = words[unreachable[0] - 1]
            self.report(t.line, block, t.id, 2, "non-tree",
                        f"words {', '.join(map(str, unreachable))} are not reachable from the root (a cycle)")
            block.broken = True

    def check_deps(self, block: Block) -> None:
        ids = {"0"} | {t.id for t in block.tokens if not RANGE_ID.match(t.id)}
        has_empty = any(EMPTY_ID.match(t.id) for t in block.tokens)
        nodes = [t for t in block.tokens if not RANGE_ID.match(t.id)]
        given = [t for t in nodes if t.cols[DEPS] != "_"]
        # the enhanced graph is optional, but then in every sentence of the file or in none
        has_graph = bool(given) or has_empty
        first = block.tokens[0].line
        if has_graph and self.first_graph is None:
            self.first_graph = first
            if self.first_without is not None:
                self.report(first, block, None, 2, "edeps-only-sometimes",
                            f"this sentence has DEPS but the one on line {self.first_without} has none")
        elif not has_graph and self.first_without is None:
            self.first_without = first
            if self.first_graph is not None:
                self.report(first, block, None, 2, "edeps-only-sometimes",
                            f"this sentence has no DEPS but the one on line {self.first_graph} has")
        children: dict[str, set[str]] = {}
        all_ok = True
        for t in given:
            pairs = []
            ok = True
            for item in t.cols[DEPS].split("|"):
                h, sep, rel = item.partition(":")
                if not sep or not HEAD_ID.match(h) or not EDEPREL.match(rel):
                    self.report(t.line, block, t.id, 2, "invalid-deps", f"{item!r} is not head:relation")
                    ok = False
                    continue
                if h not in ids:
                    self.report(t.line, block, t.id, 2, "unknown-ehead", f"DEPS head {h} is not a node of the sentence")
                    ok = False
                if h == t.id:
                    self.report(t.line, block, t.id, 2, "deps-self-loop", "a node cannot be its own enhanced head")
                pairs.append((tuple(int(x) for x in h.split(".")) + ((0,) if "." not in h else ()), rel))
            if not ok:
                all_ok = False
                continue
            if pairs != sorted(pairs):
                self.report(t.line, block, t.id, 2, "unsorted-deps", "DEPS must be sorted by head (then relation)")
            if len(set(pairs)) != len(pairs):
                self.report(t.line, block, t.id, 2, "repeated-deps", "DEPS repeats a head:relation pair")
            for item in t.cols[DEPS].split("|"):
                children.setdefault(item.partition(":")[0], set()).add(t.id)
        if has_graph and all_ok:  # the graph's own problems were reported above
            reached, stack = set(), ["0"]
            while stack:
                for c in children.get(stack.pop(), ()):
                    if c not in reached:
                        reached.add(c)
                        stack.append(c)
            unreachable = [t for t in nodes if t.id not in reached]
            if unreachable:
                self.report(unreachable[0].line, block, unreachable[0].id, 2, "unconnected-egraph",
                            f"the enhanced graph is not connected: {', '.join(t.id for t in unreachable)} "
                            f"cannot be reached from 0")

    def check_text(self, block: Block) -> None:
        text = None
        line = block.start
        for ln, c in block.comments:
            m = META.match(c)
            if m and m.group(1) == "text":
                text, line = m.group(2), ln
        if text is None:
            return
        surface = []
        skip_to = 0
        for t in block.tokens:
            if (m := RANGE_ID.match(t.id)):
                surface.append(t)
                skip_to = int(m.group(2))
            elif WORD_ID.match(t.id):
                if int(t.id) > skip_to:
                    surface.append(t)
        pos = 0
        for k, t in enumerate(surface):
            form = t.cols[FORM]
            if not text.startswith(form, pos):
                self.report(t.line, block, t.id, 2, "text-form-mismatch",
                            f"the text has {text[pos:pos + len(form) + 5]!r} where the form {form!r} is expected")
                return
            pos += len(form)
            no_space = "SpaceAfter=No" in t.cols[MISC].split("|")
            last = k == len(surface) - 1
            if last:
                break
            if no_space:
                if text.startswith(" ", pos):
                    self.report(t.line, block, t.id, 2, "extra-spaceafter",
                                "SpaceAfter=No, but the text has a space after this token")
                    pos += 1
            else:
                if not text.startswith(" ", pos):
                    self.report(t.line, block, t.id, 2, "missing-spaceafter",
                                f"the text has no space after {form!r}: add SpaceAfter=No to MISC")
                else:
                    pos += 1
        if pos < len(text.rstrip()):
            self.report(line, block, None, 2, "text-extra-chars",
                        f"the text goes on after the last token: {text[pos:]!r}")
