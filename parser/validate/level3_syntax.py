"""Level 3 of the UD validator: the universal syntactic checks that need no language data.

After the UD guidelines (Zeman et al., https://universaldependencies.org/u/overview/syntax.html):
``punct`` on PUNCT only and PUNCT only as ``punct``, function words as leaves (``case``, ``mark``,
``cc``, ``aux``, ``cop``, ``fixed``, ``goeswith``, ``punct`` with the exceptions the guidelines
allow), UPOS of function relations, ``conj``/``fixed``/``flat``/``appos``/``goeswith`` going left to
right, ``goeswith`` groups (contiguous, separated by spaces, annotated on the first part,
Typo=Yes), punctuation neither attached non-projectively nor making other words non-projective,
and (as warnings) gaps in ``fixed``, ``flat:foreign`` words and the parent of ``orphan``.
"""
from __future__ import annotations

from .lines import Block, COLUMN_NAMES, DEPREL, DEPS, FEATS, FORM, HEAD, LEMMA, MISC, UPOS_COL
from .problem import ERROR, WARNING


class SyntaxChecks:
    """Level 3: the universal syntactic checks on a sentence whose tree passed level 2.  A part of
    :class:`parser.validate.validator.Validator`, which supplies ``report``."""

    def check_syntax(self, block: Block) -> None:
        words = block.words()
        n = len(words)
        heads = [0] + [int(t.cols[HEAD]) for t in words]
        rels = [""] + [t.cols[DEPREL].split(":")[0] for t in words]
        upos = [""] + [t.cols[UPOS_COL] for t in words]
        feats = [set()] + [set(t.cols[FEATS].split("|")) for t in words]
        children: list[list[int]] = [[] for _ in range(n + 1)]
        for d in range(1, n + 1):
            children[heads[d]].append(d)

        def rep(d: int, check: str, msg: str, severity: str = ERROR) -> None:
            t = words[d - 1]
            self.report(t.line, block, t.id, 3, check, msg, severity)

        def projection(h: int) -> set[int]:
            out, stack = set(), [h]
            while stack:
                for c in children[stack.pop()]:
                    if c not in out:
                        out.add(c)
                        stack.append(c)
            return out

        def gap(d: int) -> set[int]:
            h = heads[d]
            if h == 0:
                return set()
            a, b = sorted((h, d))
            between = set(range(a + 1, b))
            return between - projection(h) if between else set()

        def caused_nonprojectivities(d: int) -> list[int]:
            """Words on the other side of d than their head, over d (an ancestor's arcs excepted)."""
            ancestors, x = set(), d
            while x and x not in ancestors:
                x = heads[x]
                ancestors.add(x)
            pid = heads[d]
            left, right = (range(pid + 1, d), range(d + 1, n + 1)) if pid < d else (range(1, d), range(d + 1, pid))
            leftcross = [x for x in left if heads[x] not in ancestors and heads[x] > d]
            rightcross = [x for x in right if heads[x] not in ancestors and heads[x] < d]
            if pid < d:
                rightcross = [x for x in rightcross if heads[x] > pid]
            else:
                leftcross = [x for x in leftcross if heads[x] < pid]
            return sorted(leftcross + rightcross)

        for d in range(1, n + 1):
            rel, u, h = rels[d], upos[d], heads[d]
            form = words[d - 1].cols[FORM]
            has_fixed = any(rels[c] == "fixed" for c in children[d])
            extpos = any(f.startswith("ExtPos=") for f in feats[d])
            # punctuation
            if rel == "punct" and u != "PUNCT":
                rep(d, "rel-upos-punct", f"'punct' must be a PUNCT word, not {u} ({form})")
            if u == "PUNCT" and rel not in ("punct", "root"):
                rep(d, "upos-rel-punct", f"a PUNCT word must be attached as 'punct', not {words[d - 1].cols[DEPREL]!r}")
            if not has_fixed and not extpos:
                expected = {"det": ("DET", "PRON"), "nummod": ("NUM", "NOUN", "SYM"), "aux": ("AUX",),
                            "cop": ("AUX", "PRON", "DET", "SYM"), "expl": ("PRON", "DET", "PART")}.get(rel)
                if expected and u not in expected:
                    rep(d, f"rel-upos-{rel}", f"'{rel}' should be {' or '.join(expected)}, not {u} ({form})")
                forbidden = {"case": ("PROPN", "ADJ", "PRON", "DET", "NUM", "AUX"),
                             "mark": ("NOUN", "PROPN", "ADJ", "PRON", "DET", "NUM", "AUX", "INTJ"),  # VERB: "regarding"
                             "cc": ("NOUN", "PROPN", "ADJ", "PRON", "DET", "NUM", "VERB", "AUX", "INTJ")}.get(rel)
                if forbidden and u in forbidden:
                    rep(d, f"rel-upos-{rel}", f"'{rel}' should not be {u} ({form})")
                if rel == "advmod" and u not in ("ADV", "ADJ", "CCONJ", "DET", "PART", "SYM") \
                        and not any(rels[c] == "goeswith" for c in children[d]):
                    rep(d, "rel-upos-advmod", f"'advmod' should be ADV, not {u} ({form})")
            if u == "PROPN" and (rel == "fixed" or has_fixed):
                rep(d, "rel-upos-fixed", f"'fixed' is not used for proper nouns ({form})")
            # left-to-right relations
            if rel in ("conj", "fixed", "flat", "appos", "goeswith") and h > d:
                rep(d, f"right-to-left-{rel}", f"'{rel}' goes from left to right: its head must come before it")
            # function words as leaves (guidelines: function-word modifiers)
            if rel in ("case", "mark", "cc", "aux", "cop", "fixed", "goeswith", "punct"):
                for c in children[d]:
                    crel = rels[c]
                    if rel != "punct" and crel == "advmod" and upos[c] in ("PART", "ADV") and "Polarity=Neg" in feats[c]:
                        continue
                    if crel == "punct" and gap(d):
                        continue
                    bad = None
                    if rel in ("mark", "case") and crel not in ("advmod", "obl", "goeswith", "fixed", "reparandum",
                                                                "conj", "cc", "punct"):
                        bad = "leaf-mark-case"
                    if rel in ("aux", "cop") and crel not in ("goeswith", "fixed", "reparandum", "conj", "cc", "punct"):
                        bad = "leaf-aux-cop"
                    if rel == "cc" and crel not in ("goeswith", "fixed", "reparandum", "conj", "punct"):
                        bad = "leaf-cc"
                    elif rel == "fixed" and crel not in ("goeswith", "reparandum", "conj", "punct"):
                        bad = "leaf-fixed"
                    elif rel == "goeswith":
                        bad = "leaf-goeswith"
                    elif rel == "punct" and crel != "punct":
                        bad = "leaf-punct"
                    if bad:
                        rep(c, bad, f"'{rel}' {words[d - 1].cols[FORM]} ({d}) should not have dependents such as "
                                    f"'{crel}' {words[c - 1].cols[FORM]} ({c})")
            # goeswith groups: contiguous, separated by spaces, the word annotated on its first part
            gw = sorted(c for c in children[d] if rels[c] == "goeswith")
            if gw:
                group = sorted([d] + gw)
                if group != list(range(d, gw[-1] + 1)):
                    rep(d, "goeswith-gap", f"the goeswith group {group} has a gap")
                if any("SpaceAfter=No" in words[x - 1].cols[MISC].split("|") for x in group[:-1]):
                    rep(d, "goeswith-nospace", "'goeswith' joins parts separated by white space, but a part "
                                               "has SpaceAfter=No")
                if self.seen_feats and "Typo=Yes" not in feats[d]:
                    rep(d, "goeswith-missing-typo", "the head of 'goeswith' needs Typo=Yes (the treebank has "
                                                    "features)")
            if rel == "goeswith":
                t = words[d - 1]
                for col, want, check in ((LEMMA, "_", "goeswith-lemma"), (UPOS_COL, "X", "goeswith-upos"),
                                         (FEATS, "_", "goeswith-feats")):
                    if t.cols[col] != want:
                        rep(d, check, f"a non-first part of a goeswith word has {COLUMN_NAMES[col]} {want!r}")
                if t.cols[DEPS] not in ("_", f"{t.cols[HEAD]}:{t.cols[DEPREL]}"):
                    rep(d, "goeswith-edeps", "a goeswith dependent has no other enhanced dependencies")
            fx = sorted(c for c in children[d] if rels[c] == "fixed")
            if fx and [x for x in set(range(d, fx[-1] + 1)) - set([d] + fx) if rels[x] != "punct"]:
                rep(d, "fixed-gap", f"the fixed expression {sorted([d] + fx)} has a gap", WARNING)
            if words[d - 1].cols[DEPREL] == "flat:foreign":
                for x in (d, h):
                    if x and (upos[x] != "X" or words[x - 1].cols[FEATS] != "Foreign=Yes"):
                        rep(x, "flat-foreign-upos-feats", "flat:foreign words are X with Foreign=Yes only", WARNING)
            if rel == "orphan" and rels[h] not in ("conj", "parataxis", "root", "csubj", "ccomp", "advcl", "acl",
                                                   "reparandum"):
                rep(d, "orphan-parent", f"the parent of 'orphan' is normally 'conj', not {rels[h]!r}", WARNING)
            # punctuation: attached projectively and not making other words non-projective
            if rel == "punct":
                caused = caused_nonprojectivities(d)
                if caused:
                    rep(d, "punct-causes-nonproj", f"punctuation makes {caused} non-projective")
                if gap(d):
                    rep(d, "punct-is-nonproj", f"punctuation attached non-projectively over {sorted(gap(d))}")
            subjects = [c for c in children[d] if rels[c] in ("nsubj", "csubj")
                        and ":outer" not in words[c - 1].cols[DEPREL]
                        and "Subject=Outer" not in words[c - 1].cols[MISC].split("|")]
            if len(subjects) > 1:
                rep(d, "too-many-subjects", f"several subjects {subjects} not subtyped ':outer' (an outer subject "
                                            f"is allowed when a clause is the predicate of another)")
