"""Why this transition, in the window: the features view shows the engine's occlusion attributions of the
current step as bars and cell tints, the tree shades the words by their share; model mode only.  The
explanation is computed in the background (tests/test_teach_background.py): the tests wait for it."""
import pytest

from deplab.app.model.workspace import MODEL, ORACLE
from deplab.parser.attribution import explain
from deplab.parser.conllu import read_conllu

from conftest import FIXTURES


@pytest.fixture
def window(tiny_window):
    return tiny_window


def arrived(qtbot, fv):
    """Waits for the background explanation of the step on screen."""
    qtbot.waitUntil(lambda: not fv.explaining() and fv.explanation is not None, timeout=10000)
    return fv.explanation


def test_bars_and_shades_are_the_engines_attributions(qtbot, window):
    w = window
    fv = w.view.features
    w.parse_text("The cat sleeps on the warm mat .", wait=True)
    ws = w.workspace
    assert fv.explanation is None and w.arc_view.shades() == {}  # off by default
    fv.why_box.setChecked(True)
    for k in (0, 3, ws.n_steps - 1):
        ws.set_step(k)
        e = explain(w.pipeline.model, ws.trace, k)
        assert arrived(qtbot, fv).chosen == e.chosen == ws.trace.steps[k].chosen
        assert fv.explanation.margin == pytest.approx(e.margin, abs=1e-5)
        shown = [(name, d) for name, _, d in fv.bars.rows]
        strongest = [(p.name, p.delta) for p in e.strongest(8) if abs(p.delta) > 1e-9]
        assert [n for n, _ in shown] == [n for n, _ in strongest]
        shares = e.word_shares(len(ws.forms))
        top = max(abs(v) for v in shares)
        shades = w.arc_view.shades()
        assert set(shades) == {i for i, v in enumerate(shares) if abs(v) > 1e-9}
        for i, v in shades.items():
            assert v == pytest.approx(shares[i] / top, abs=1e-6) and -1 <= v <= 1
        assert max(abs(v) for v in shades.values()) == pytest.approx(1.0)
        assert str(ws.trace.transitions[e.chosen]) in fv.why_note.text()
    ws.last()  # the terminal configuration chooses nothing
    assert fv.explanation is None and w.arc_view.shades() == {}
    fv.why_box.setChecked(False)
    ws.set_step(2)
    assert fv.explanation is None and w.arc_view.shades() == {}


def test_oracle_mode_has_no_explanation(qtbot, window):
    w = window
    fv = w.view.features
    s = read_conllu(FIXTURES / "tiny_dev.conllu")[0]
    w.show_sentence(s, gold=True, wait=True)
    qtbot.waitUntil(lambda: MODEL in w.workspace.available_modes(), timeout=10000)
    fv.why_box.setChecked(True)
    w.set_mode(ORACLE)
    assert w.workspace.mode == ORACLE
    assert fv.explanation is None and w.arc_view.shades() == {}
    assert "model mode only" in fv.why_note.text()
    w.set_mode(MODEL)
    w.workspace.set_step(1)
    assert arrived(qtbot, fv) is not None and w.arc_view.shades()
