"""The language of a model: codes, names, writing systems, and text that does not fit.

A model records the ISO 639 code of its training data (``config.json``'s ``language``); the
pipeline tokenizes typed text with that language's rules.  UD names its files
``LANG_TREEBANK-ud-PART.conllu`` (https://universaldependencies.org/contributing/repository_files.html),
so the code can usually be read from the training file's name (:func:`language_from_filename`).

Text typed into a model of another writing system (Chinese into the English model) is parsed as
nonsense, usually as one unknown token; :func:`script_warning` says so.  A letter's script is read
from its Unicode character name (the Unicode Script property, UAX #24, approximated by the first
word of the name: ``LATIN``, ``CYRILLIC``, ``CJK`` …).  Nothing here imports torch or spaCy.
"""
from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

# code: (English name, the scripts its text is written in).  Languages not listed get no script check.
LANGUAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "af": ("Afrikaans", ("Latin",)), "ar": ("Arabic", ("Arabic",)), "be": ("Belarusian", ("Cyrillic",)),
    "bg": ("Bulgarian", ("Cyrillic",)), "bn": ("Bengali", ("Bengali",)), "ca": ("Catalan", ("Latin",)),
    "cs": ("Czech", ("Latin",)), "cy": ("Welsh", ("Latin",)), "da": ("Danish", ("Latin",)),
    "de": ("German", ("Latin",)), "el": ("Greek", ("Greek",)), "en": ("English", ("Latin",)),
    "es": ("Spanish", ("Latin",)), "et": ("Estonian", ("Latin",)), "eu": ("Basque", ("Latin",)),
    "fa": ("Persian", ("Arabic",)), "fi": ("Finnish", ("Latin",)), "fo": ("Faroese", ("Latin",)),
    "fr": ("French", ("Latin",)), "ga": ("Irish", ("Latin",)), "gd": ("Scottish Gaelic", ("Latin",)),
    "gl": ("Galician", ("Latin",)), "got": ("Gothic", ("Gothic",)), "grc": ("Ancient Greek", ("Greek",)),
    "he": ("Hebrew", ("Hebrew",)), "hi": ("Hindi", ("Devanagari",)), "hr": ("Croatian", ("Latin",)),
    "hu": ("Hungarian", ("Latin",)), "hy": ("Armenian", ("Armenian",)), "id": ("Indonesian", ("Latin",)),
    "is": ("Icelandic", ("Latin",)), "it": ("Italian", ("Latin",)), "ja": ("Japanese", ("Han", "Hiragana", "Katakana")),
    "ka": ("Georgian", ("Georgian",)), "kk": ("Kazakh", ("Cyrillic",)), "km": ("Khmer", ("Khmer",)),
    "ko": ("Korean", ("Hangul", "Han")), "la": ("Latin", ("Latin",)), "lo": ("Lao", ("Lao",)),
    "lt": ("Lithuanian", ("Latin",)), "lv": ("Latvian", ("Latin",)), "lzh": ("Classical Chinese", ("Han",)),
    "mr": ("Marathi", ("Devanagari",)), "mt": ("Maltese", ("Latin",)), "my": ("Burmese", ("Myanmar",)),
    "nb": ("Norwegian Bokmål", ("Latin",)), "nl": ("Dutch", ("Latin",)), "nn": ("Norwegian Nynorsk", ("Latin",)),
    "no": ("Norwegian", ("Latin",)), "pl": ("Polish", ("Latin",)), "pt": ("Portuguese", ("Latin",)),
    "ro": ("Romanian", ("Latin",)), "ru": ("Russian", ("Cyrillic",)), "sa": ("Sanskrit", ("Devanagari",)),
    "sk": ("Slovak", ("Latin",)), "sl": ("Slovenian", ("Latin",)), "sq": ("Albanian", ("Latin",)),
    "sr": ("Serbian", ("Cyrillic", "Latin")), "sv": ("Swedish", ("Latin",)), "ta": ("Tamil", ("Tamil",)),
    "te": ("Telugu", ("Telugu",)), "th": ("Thai", ("Thai",)), "tl": ("Tagalog", ("Latin",)),
    "tr": ("Turkish", ("Latin",)), "ug": ("Uyghur", ("Arabic",)), "uk": ("Ukrainian", ("Cyrillic",)),
    "ur": ("Urdu", ("Arabic",)), "vi": ("Vietnamese", ("Latin",)), "wo": ("Wolof", ("Latin",)),
    "yue": ("Cantonese", ("Han",)), "zh": ("Chinese", ("Han",)),
}

# Written without spaces between words: typed text is segmented by the tokenizer (parser/tokenize.py).
NO_SPACE_LANGUAGES = frozenset({"zh", "ja", "lzh", "yue", "th", "lo", "km", "my"})

_SCRIPT_NAMES = {"Han": "Han (Chinese characters)", "Hangul": "Hangul (Korean)",
                 "Hiragana": "Hiragana (Japanese)", "Katakana": "Katakana (Japanese)"}

_CODE = re.compile(r"^[a-z]{2,3}$")
_UD_FILE = re.compile(r"^([a-z]{2,3})_[a-z0-9]+-ud(?:-[a-z]+)?\.conllu$")


def is_language_code(code: str) -> bool:
    """An ISO 639-1 or 639-3 code as UD spells it: two or three lowercase letters (``en``, ``nl``, ``grc``)."""
    return bool(_CODE.match(code or ""))


def language_name(code: str) -> str:
    """``"Dutch"`` for ``"nl"``; the code itself for a language this table does not know."""
    return LANGUAGES.get(code, (code,))[0]


def language_from_filename(path: str | os.PathLike) -> str | None:
    """The language code of a UD file name (``nl_alpino-ud-dev.conllu`` → ``nl``), or None."""
    m = _UD_FILE.match(os.path.basename(os.fspath(path)))
    return m.group(1) if m else None


@lru_cache(maxsize=4096)
def script_of(ch: str) -> str | None:
    """The script of a letter (``Latin``, ``Han``, ``Cyrillic``, …), or None for anything but a letter."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    name = unicodedata.name(ch, "")
    words = name.split()
    if not words:
        return None
    if words[0] in ("FULLWIDTH", "HALFWIDTH") and len(words) > 1:
        words = words[1:]
    first = words[0]
    if first == "CJK" or name.startswith("IDEOGRAPHIC"):
        return "Han"
    if first.startswith("KATAKANA"):  # KATAKANA-HIRAGANA PROLONGED SOUND MARK
        return "Katakana"
    return first.capitalize()


def script_runs(text: str) -> Counter:
    """How many runs of letters (maximal stretches in one script) the text has in each script: a
    word counts once, whether it is one Chinese character or twelve Latin letters."""
    runs: Counter = Counter()
    last = None
    for ch in text:
        s = script_of(ch)
        if s is not None and s != last:
            runs[s] += 1
        last = s
    return runs


def script_warning(text: str, language: str) -> str | None:
    """A notice when most of ``text`` is written in a script that ``language`` is not written in
    (Chinese typed into an English model), or None when the text fits or the language is unknown."""
    expected = LANGUAGES.get(language, (None, ()))[1]
    runs = script_runs(text)
    total = sum(runs.values())
    if not expected or not total:
        return None
    fitting = sum(n for s, n in runs.items() if s in expected)
    if 2 * fitting >= total:
        return None
    found = max((s for s in runs if s not in expected), key=lambda s: runs[s])
    found = _SCRIPT_NAMES.get(found, found)
    return (f"This text is written in {found} script, but the model is for {language_name(language)} "
            f"({language}, {' / '.join(expected)} script): its tokens, tags and tree will not mean much. "
            f"Load a model trained on the text's language.")


def segmentation_note(text: str, language: str) -> str | None:
    """For a language written without spaces, how typed text without spaces is split into words."""
    if language not in NO_SPACE_LANGUAGES or any(ch.isspace() for ch in text.strip()):
        return None
    return (f"{language_name(language)} is written without spaces: the text was split into words by the longest "
            "words the model knows. To give your own segmentation, type the words separated by spaces.")


def _ask_language(train_path, ask=None) -> str:
    """Asks on the terminal for the language of ``train_path`` (three tries)."""
    import sys
    if ask is None:
        def ask(prompt: str) -> str:
            sys.stderr.write(prompt)
            sys.stderr.flush()
            line = sys.stdin.readline()
            if not line:
                raise EOFError
            return line
    for _ in range(3):
        try:
            code = ask(f"Language of {os.path.basename(os.fspath(train_path))} "
                       "(ISO 639 code, e.g. en, nl, fr, zh): ").strip().lower()
        except EOFError:
            break
        if is_language_code(code):
            return code
        sys.stderr.write(f"{code!r} is not a language code: two or three letters, as in UD file names\n")
    from .errors import UsageError
    raise UsageError(f"no language given for {train_path}: pass --lang CODE")


def resolve_training_language(given: str | None, train_path, init_dir=None, interactive: bool | None = None,
                              ask=None) -> str:
    """The language a new model is trained for: ``--lang``, else the language of the model that ``--init``
    continues, else the UD file name's prefix, else asked on a terminal; without a terminal, a
    :class:`~deplab.parser.errors.UsageError` that names ``--lang``."""
    import json
    import sys
    from .errors import UsageError
    if given is not None:
        code = given.strip().lower()
        if not is_language_code(code):
            raise UsageError(f"--lang {given}: expected an ISO 639 code of two or three letters (en, nl, grc)")
    else:
        code = None
    if init_dir is not None:
        try:
            recorded = json.loads((Path(init_dir) / "config.json").read_text()).get("language", "en")
        except (OSError, ValueError):
            recorded = None  # the model's own loading reports it
        if code is not None and recorded is not None and code != recorded:
            raise UsageError(f"--lang {code}: the model in --init {init_dir} is for {recorded}; "
                             "continued training keeps the model's language")
        if recorded is not None:
            return recorded
    if code is not None:
        return code
    code = language_from_filename(train_path)
    if code is not None:
        return code
    if interactive is None:
        interactive = sys.stdin is not None and sys.stdin.isatty()
    if not interactive:
        raise UsageError(f"cannot tell the language of {train_path} from its name (UD files are named "
                         "like nl_alpino-ud-train.conllu): pass --lang CODE, e.g. --lang nl")
    return _ask_language(train_path, ask)
