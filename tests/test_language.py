"""A model knows its language: --lang and UD file names, tokenization for it, and text in another script."""
import io
import json
import shutil
import sys

import pytest

from deplab.parser.cli import main
from deplab.parser.conllu import parse_conllu_text
from deplab.parser.errors import UsageError
from deplab.parser.language import (NO_SPACE_LANGUAGES, language_from_filename, resolve_training_language,
                                    script_runs, script_of, script_warning, segmentation_note)
from deplab.parser.tokenize import maximum_matching, segment, tokenize

from conftest import FIXTURES

ZH = FIXTURES / "zh_tiny-ud-train.conllu"  # hand-written sentences
TINY = ["--epochs", "1", "--size", "lstm_hidden=16", "--size", "mlp_hidden=16", "--size", "word_dim=16",
        "--size", "layers=1", "--start", "scratch"]  # the auto start is tested in test_auto_start.py


@pytest.mark.parametrize("name, code", [
    ("nl_alpino-ud-dev.conllu", "nl"), ("/data/UD_French-GSD/fr_gsd-ud-train.conllu", "fr"),
    ("zh_gsdsimp-ud-test.conllu", "zh"), ("grc_perseus-ud-train.conllu", "grc"),
    ("my_treebank.conllu", None), ("nl_alpino-ud-dev.txt", None), ("tiny.conllu", None), ("EN_ewt-ud-dev.conllu", None),
])
def test_the_language_of_a_ud_file_name(name, code):
    assert language_from_filename(name) == code


def test_training_language_from_the_option_the_name_or_the_user(tmp_path):
    assert resolve_training_language("NL", "whatever.conllu") == "nl"
    assert resolve_training_language(None, "x/nl_alpino-ud-dev.conllu") == "nl"
    assert resolve_training_language("fr", "x/nl_alpino-ud-dev.conllu") == "fr"  # the option wins
    with pytest.raises(UsageError, match="--lang"):
        resolve_training_language(None, "mine.conllu", interactive=False)
    with pytest.raises(UsageError, match="two or three letters"):
        resolve_training_language("dutch", "mine.conllu")
    answers = iter(["Dutch\n", " nl \n"])
    assert resolve_training_language(None, "mine.conllu", interactive=True, ask=lambda prompt: next(answers)) == "nl"

    def eof(prompt):
        raise EOFError
    with pytest.raises(UsageError, match="--lang"):
        resolve_training_language(None, "mine.conllu", interactive=True, ask=eof)
    model = tmp_path / "m"
    model.mkdir()
    (model / "config.json").write_text(json.dumps({"arch": "kg2016", "language": "zh"}))
    assert resolve_training_language(None, "mine.conllu", init_dir=model, interactive=False) == "zh"
    with pytest.raises(UsageError, match="keeps the model's language"):
        resolve_training_language("nl", "mine.conllu", init_dir=model)


def test_train_without_a_language_and_without_a_terminal_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = main(["train", "--train", str(FIXTURES / "tiny.conllu"), "--out", str(tmp_path / "m"), *TINY])
    assert code == 2
    err = capsys.readouterr().err
    assert "--lang" in err and "Traceback" not in err
    assert not (tmp_path / "m").exists()


def test_train_records_the_language_from_lang_or_the_file_name(tmp_path, capsys):
    out = tmp_path / "nl"
    assert main(["train", "--train", str(FIXTURES / "tiny.conllu"), "--dev", str(FIXTURES / "tiny_dev.conllu"),
                 "--out", str(out), "--lang", "nl", *TINY]) == 0
    assert json.loads((out / "config.json").read_text())["language"] == "nl"
    from deplab.parser.pipeline import Pipeline
    pipe = Pipeline.load(out)
    assert pipe.language == "nl"
    text = "Hij kwam o.a. gisteren."  # Dutch rules know the abbreviation o.a. (onder andere); English ones split
    assert [[w.form for w in s.words] for s in pipe.sentences_from_text(text)] == [["Hij", "kwam", "o.a.", "gisteren", "."]]
    assert [f for f, _ in tokenize(text, "en")] != [["Hij", "kwam", "o.a.", "gisteren", "."]]

    ud_named = tmp_path / "zh_mine-ud-train.conllu"
    shutil.copy(ZH, ud_named)
    zh = tmp_path / "zh"
    assert main(["train", "--train", str(ud_named), "--dev", str(ZH), "--out", str(zh), *TINY]) == 0
    assert json.loads((zh / "config.json").read_text())["language"] == "zh"


def test_chinese_without_spaces_is_segmented_by_the_model_vocabulary():
    lexicon = {"北京", "天安门", "今天", "天气"}
    assert segment("我爱北京天安门。今天天气很好！", lexicon) == [
        (["我", "爱", "北京", "天安门", "。"], [False] * 5),
        (["今天", "天气", "很", "好", "！"], [False] * 5)]
    # no lexicon: one character per word; spaces the user typed are word boundaries
    assert segment("北京很好", None)[0][0] == ["北", "京", "很", "好"]
    assert segment("北京 很好", None)[0] == (["北", "京", "很", "好"], [False, True, False, False])
    assert segment("我 爱 北京天安门", {"天安"})[0][0] == ["我", "爱", "北", "京", "天安", "门"]
    # Latin words and numbers stay whole, a repeated mark is one token, quotes close a sentence
    assert segment("他说……2019年用iPhone 11。”好", {"他"})[0][0] == ["他", "说", "……", "2019", "年", "用", "iPhone", "11", "。", "”"]
    assert maximum_matching("研究生命", lambda w: w in {"研究生", "研究", "生命"}) == ["研究生", "命"]


def test_japanese_is_segmented_without_sudachipy():
    assert "ja" in NO_SPACE_LANGUAGES
    assert tokenize("今日はいい天気です。", "ja", {"今日", "天気", "です", "いい"}) == [
        (["今日", "は", "いい", "天気", "です", "。"], [False] * 6)]


def test_a_language_spacy_does_not_know_gets_its_multilanguage_rules():
    assert tokenize("Ouch, it works.", "qaa") == [(["Ouch", ",", "it", "works", "."], [False, True, True, False, False])]


def test_a_chinese_model_tokenizes_typed_chinese_into_its_words(tmp_path, capsys):
    zh = tmp_path / "zh"
    assert main(["train", "--train", str(ZH), "--dev", str(ZH), "--out", str(zh), "--lang", "zh", *TINY]) == 0
    typed = tmp_path / "typed.txt"
    typed.write_text("我喜欢北京。她在学校学习音乐。", encoding="utf-8")
    capsys.readouterr()
    assert main(["parse", "--model", str(zh), str(typed)]) == 0
    captured = capsys.readouterr()
    sentences = parse_conllu_text(captured.out)
    assert [[w.form for w in s.words] for s in sentences] == [["我", "喜欢", "北京", "。"],
                                                               ["她", "在", "学校", "学习", "音乐", "。"]]
    assert [s.text for s in sentences] == ["我喜欢北京。", "她在学校学习音乐。"]
    assert "written without spaces" in captured.err


def test_script_of_letters():
    assert [script_of(c) for c in "aЖ中あア한α,1ａ"] == ["Latin", "Cyrillic", "Han", "Hiragana", "Katakana", "Hangul",
                                                      "Greek", None, None, "Latin"]
    assert script_runs("I visited 北京 in May") == {"Latin": 4, "Han": 1}


def test_text_in_another_script_gets_a_warning():
    warning = script_warning("我爱北京天安门", "en")
    assert warning and "Han" in warning and "English" in warning
    assert script_warning("The cat sat on the mat.", "en") is None
    assert script_warning("I visited 北京 in May.", "en") is None  # a name in another script is fine
    assert script_warning("我爱北京天安门", "zh") is None
    assert script_warning("今日はいい天気です", "ja") is None
    assert "Cyrillic" in script_warning("Привет, мир", "nl")
    assert script_warning("Hello", "zh") is not None
    assert script_warning("1234 !!", "en") is None  # no letters: nothing to say
    assert script_warning("我爱北京", "qaa") is None  # a language without a known script


def test_the_pipeline_reports_notices_for_typed_text(tiny_model_dir, tmp_path, capsys):
    from deplab.parser.pipeline import Pipeline
    pipe = Pipeline.load(tiny_model_dir)
    assert pipe.language == "en"
    assert pipe.text_notices("The dog barks.") == []
    [note] = pipe.text_notices("我爱北京天安门")
    assert note == script_warning("我爱北京天安门", "en")
    assert segmentation_note("我爱北京", "zh") and segmentation_note("我 爱 北京", "zh") is None
    typed = tmp_path / "typed.txt"
    typed.write_text("我爱北京天安门\n", encoding="utf-8")
    assert main(["parse", "--model", str(tiny_model_dir), str(typed)]) == 0
    assert "warning:" in capsys.readouterr().err
