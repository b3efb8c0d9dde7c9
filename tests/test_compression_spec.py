"""CompressionSpec: the one place that says what an experiment needs and which Lab method runs it."""
import pytest

from deplab.parser.compression.spec import METHODS, CompressionSpec
from deplab.parser.errors import UserError


@pytest.mark.parametrize("spec, needs", [
    (CompressionSpec("prune", retrain=0), False), (CompressionSpec("prune", retrain=2), True),
    (CompressionSpec("share", finetune=0), False), (CompressionSpec("share", finetune=1), True),
    (CompressionSpec("deep", retrain=0, finetune=0), False), (CompressionSpec("deep", retrain=1, finetune=0), True),
    (CompressionSpec("l1"), True), (CompressionSpec("distill", sizes={"lstm_hidden": 8}), True),
    (CompressionSpec("int8"), False), (CompressionSpec("sensitivity"), False),
])
def test_what_needs_training_data(spec, needs):
    assert spec.needs_training() is needs
    spec.validate()
    spec.check_data(dev="dev.conllu", train="train.conllu")
    if needs:
        with pytest.raises(UserError, match="Retraining data:"):  # says what the data is for
            spec.check_data(dev="dev.conllu", train=None)
    else:
        spec.check_data(dev="dev.conllu", train=None)
    with pytest.raises(UserError, match="Evaluation data:"):
        spec.check_data(dev=None, train="train.conllu")


def test_validation_names_the_settings_as_the_caller_does():
    with pytest.raises(UserError, match="^the sparsity must be"):
        CompressionSpec("prune", sparsity=1.5).validate()
    with pytest.raises(UserError, match="^--sparsity must be"):
        CompressionSpec("prune", sparsity=1.5).validate(names={"sparsity": "--sparsity"})
    with pytest.raises(UserError, match="unknown layer 'x'"):
        CompressionSpec("prune", per_layer={"x": 0.5}).validate(layer_names=["output layer"])
    with pytest.raises(UserError, match="needs uniform"):
        CompressionSpec("share", rare_rates={3: 1.0}).validate()


class FakeLab:
    """Records which Lab method a spec calls, with which arguments."""

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        def method(*a, **kw):
            self.calls.append((name, a, kw))
            return [name] if name in ("sensitivity", "distill") else name
        return method


@pytest.mark.parametrize("method", [m for m in METHODS])
def test_run_dispatches_to_the_lab_method_and_configures_retraining(method):
    lab, seen = FakeLab(), []
    spec = CompressionSpec(method, sizes={"lstm_hidden": 8}, teacher_alpha=0.3, lr_decay=0.7)
    out = spec.run(lab, on_result=seen.append)
    assert lab.calls[0][0] == method
    assert out == [method] and (seen == [method] or method in ("sensitivity", "distill"))
    if method != "distill":
        assert lab.teacher_alpha == 0.3 and lab.lr_decay == 0.7
    assert spec.learning_rate == (2e-3 if method == "distill" else 1e-3)
