"""A short explanation of the parser's architecture, with the loaded model's sizes.

The text is built from ``Pipeline.describe()`` (architecture name, sizes,
vocabulary and transition counts, number of parameters), so it always names
the model that produced the scores on screen.
"""
from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTextBrowser, QWidget

_FEATURES = ("Each configuration is read through <b>48 features</b> (Chen &amp; Manning 2014, sec. 3.1): "
             "the words and POS tags at 18 positions (s1–s3, b1–b3, the first two leftmost and rightmost "
             "children of s1 and s2, and their leftmost-of-leftmost / rightmost-of-rightmost grandchildren) "
             "and the arc labels at the 12 child positions.")


def _fmt(n) -> str:
    return f"{n:,}" if isinstance(n, int) else escape(str(n))


def architecture_html(info: dict | None) -> str:
    """HTML for the explanation panel; ``info`` is ``Pipeline.describe()`` (None: no model)."""
    if not info:
        return ("<h3>How the parser works</h3><p>No model is loaded yet. DepLab's parser is a greedy "
                "arc-standard transition parser: a neural network scores the transitions SHIFT, LEFT-ARC(l) and "
                "RIGHT-ARC(l) in each configuration and the most probable legal one is applied.</p>")
    arch = info.get("arch", "?")
    s = info.get("sizes", {}) or {}
    T, L = info.get("transitions", "?"), info.get("labels", "?")
    system = (info.get("training") or {}).get("system") or "arc-standard"  # models from before --system
    extra = {"arc-eager": ", REDUCE", "swap": ", SWAP"}.get(system, "")
    steps = {"arc-standard": "2n transitions for n words", "arc-hybrid": "2n transitions for n words",
             "arc-eager": "at most 2n transitions for n words",
             "swap": "2n transitions for n words plus two per SWAP"}.get(system, "")
    words, tags = info.get("words", "?"), info.get("tags", "?")
    params = info.get("parameters")
    out = []
    if arch in ("cm2014", "weiss2015"):
        d = s.get("emb", 50)
        hid = s.get("hidden", 200 if arch == "cm2014" else 512)
        title = "Chen &amp; Manning (2014)" if arch == "cm2014" else "Weiss, Alberti, Collins &amp; Petrov (2015)"
        out.append(f"<h3>{title} — model <code>{escape(arch)}</code></h3>")
        out.append(f"<p><b>1. Features.</b> {_FEATURES}</p>")
        out.append(f"<p><b>2. Embeddings.</b> Every feature is looked up in a table of <b>d = {d}</b>-dimensional "
                   f"vectors ({_fmt(words)} words, {_fmt(tags)} POS tags, {_fmt(L)} labels) and the 48 vectors are "
                   f"concatenated: x = [x<sup>w</sup>; x<sup>t</sup>; x<sup>l</sup>], "
                   f"48 × {d} = <b>{48 * d}</b> inputs.</p>")
        if arch == "cm2014":
            out.append(f"<p><b>3. Hidden layer, cube activation.</b> h = (W<sub>1</sub><sup>w</sup>x<sup>w</sup> + "
                       f"W<sub>1</sub><sup>t</sup>x<sup>t</sup> + W<sub>1</sub><sup>l</sup>x<sup>l</sup> + "
                       f"b<sub>1</sub>)<sup>3</sup> with <b>{hid}</b> units. Cubing a sum multiplies features "
                       f"three by three, so the network can combine e.g. the tags of s1, s2 and b1 "
                       f"without hand-written conjunctions.</p>")
        else:
            out.append(f"<p><b>3. Hidden layers.</b> h<sub>1</sub> = ReLU(W<sub>1</sub>x + b<sub>1</sub>), "
                       f"h<sub>2</sub> = ReLU(W<sub>2</sub>h<sub>1</sub> + b<sub>2</sub>), <b>{hid}</b> units each "
                       f"(Chen &amp; Manning used one layer with the cube activation (W<sub>1</sub>x + "
                       f"b<sub>1</sub>)<sup>3</sup>).</p>")
        out.append(f"<p><b>4. Softmax.</b> p = softmax(W<sub>o</sub>h) over the <b>{_fmt(T)}</b> transitions "
                   f"(SHIFT, and LEFT-ARC(l), RIGHT-ARC(l) for each of the {_fmt(L)} labels{extra}) of the "
                   f"<b>{system}</b> system. The parser applies "
                   f"the most probable <i>legal</i> transition — greedy decoding, one transition per step, "
                   f"{steps}.</p>")
        out.append("<p>The POS tags it reads come from a separate BiLSTM tagger.</p>")
    elif arch == "kg2016":
        wd, lh = s.get("word_dim", 100), s.get("lstm_hidden", 128)
        layers, mh = s.get("layers", 2), s.get("mlp_hidden", 256)
        out.append("<h3>Kiperwasser &amp; Goldberg (2016) — model <code>kg2016</code></h3>")
        out.append(f"<p><b>1. BiLSTM.</b> Each word is embedded ({wd}-d word vector plus a character CNN) and a "
                   f"{layers}-layer bidirectional LSTM ({lh} units per direction) gives it a "
                   f"{2 * lh}-d vector v<sub>i</sub> that sees the whole sentence; the same BiLSTM predicts "
                   f"the UPOS tags.</p>")
        reads = [f[:-2] for f in info.get("features_read", []) if f.endswith(".w")] or ["s1", "s2", "s3", "b1"]
        n_labels = sum(f.endswith(".l") for f in info.get("features_read", [])) or 12
        out.append(f"<p><b>2. Features.</b> Only the vectors of {', '.join(reads)} and embeddings of the "
                   f"{n_labels} child labels of the Chen &amp; Manning template are read: the BiLSTM already "
                   f"encodes the context that the other {48 - len(reads) - n_labels} features supplied.</p>")
        out.append(f"<p><b>3. Hidden layer.</b> h = ReLU(Σ<sub>k∈{{{','.join(reads)}}}</sub> W<sub>k</sub>v<sub>k</sub> "
                   f"+ W<sub>l</sub>x<sup>l</sup> + b), <b>{mh}</b> units (Chen &amp; Manning's original uses the "
                   f"cube activation h = (W<sub>1</sub>x + b<sub>1</sub>)<sup>3</sup> over 48 embeddings).</p>")
        out.append(f"<p><b>4. Softmax.</b> p = softmax(W<sub>o</sub>h) over the <b>{_fmt(T)}</b> transitions "
                   f"(SHIFT, LEFT-ARC(l), RIGHT-ARC(l) for {_fmt(L)} labels); the most probable legal one is "
                   f"applied (greedy).</p>")
    else:
        out.append(f"<h3>Model <code>{escape(str(arch))}</code></h3><p>{_FEATURES}</p>"
                   f"<p>Sizes: {escape(str(s))}; {_fmt(T)} transitions.</p>")
    members = info.get("members", 1)
    if members > 1:
        out.append(f"<p><b>An ensemble of {members} parsers.</b> This model is {members} networks like the one "
                   "above, trained differently (from scratch and fine-tuned from another model); in each "
                   "configuration every one scores the transitions and the one with the best mean "
                   "log-probability is taken (a product of experts), and the tags are chosen the same way. The "
                   "numbers above describe the first network.</p>")
    facts = []
    if params is not None:
        facts.append(f"{_fmt(params)} parameters" + (f" in all {members} networks" if members > 1 else ""))
    best = (info.get("training") or {}).get("best") or {}
    if "LAS" in best:
        facts.append(f"dev LAS {best['LAS']:.1f}, UAS {best.get('UAS', 0):.1f} when trained")
    if info.get("path"):
        facts.append(f"loaded from <code>{escape(str(info['path']))}</code>")
    if facts:
        out.append("<p style='color:#555'>" + "; ".join(facts) + ".</p>")
    return "\n".join(out)


class ExplainPanel(QTextBrowser):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setOpenExternalLinks(True)
        self.set_model_info(None)

    def set_model_info(self, info: dict | None) -> None:
        self.info = info
        self.setHtml(architecture_html(info))
