"""Japanese normalisation and tokenization: fugashi + unidic-lite + a compiled domain dictionary.

Compounds (入荷待ち, お届け予定日, 代替品 ...) come from a MeCab user dictionary built at first use
from data/voc/user_dict.csv into var/voc/ (keyed by a hash of its content). We chose the user
dictionary over merging tokens afterwards because MeCab then weighs the compound inside the
lattice (no gluing across a real word boundary) and it costs nothing per token, which matters
for the 100k-voice budget.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import fugashi
import unidic_lite

from noki.voc.cues import CONTRAST_TOKEN, contrast_points, may_fire
from noki.voc.resources import cache_dir, compounds, nfkc, stopwords

DICDIR = unidic_lite.DICDIR
# MeCab dies (segfault) on ~1M-char inputs: never hand it more than this at once.
MAX_CHUNK = 4000
NEGATION = frozenset({"ない", "無い", "なし", "無し", "ぬ", "ず", "ん"})
CONTENT = frozenset({"名詞", "動詞", "形容詞", "形状詞"})
# Adverbs/pronouns are kept to classify (いつ, なぜ, また) but not used for topics.
FUNCTION = frozenset({"副詞", "代名詞", "接続詞"})
NEG_POS = frozenset({"助動詞", "形容詞", "名詞"})  # 名詞: 連絡なし
NEG_SUFFIX = "+ない"
# Spoken variants folded into one form before tagging, so one lexicon entry covers them:
# なんで/どうして -> なぜ (not どうしても), "3回目/二度目/2通目" -> 何度も (numerals are dropped).
# A count of two or more with 回/度 is folded too when it is stressed (2回も) or when a delay word
# follows in the clause (二度延びた, 3回納期変更); 一度も (never) is left alone.
_PHRASES = (
    (re.compile(r"なんで|どうして(?!も)|何故"), "なぜ"),
    (re.compile(r"まもなく|間もなく"), "近日"),  # else ま+ない: a vague ETA, not a negation
    (re.compile(r"[0-9一二三四五六七八九十数何]+(?:回|度|通)目|何回"), "何度も"),
    # 以降 after an event (ご連絡以降, 注文確定メール以降) means "since": 以来, not a vague ETA.
    (re.compile(r"(?<![0-9月旬週年春夏秋冬明末半日頭内])以降"), "以来"),
    (re.compile(r"(?<![0-9一])(?:[2-9]|[1-9][0-9]|[二三四五六七八九十数])(?:回|度)"
                r"(?:も|(?=[^。、!?]{0,8}(?:延|遅|変更|変わ|ずれ|ズレ)))"), "何度も"),
)
# None of the patterns can match a text without one of these (most texts): skip them all then.
_PHRASE_GATE = re.compile(r"なんで|どうして|何故|もなく|回|度|通|以降")
_RANGE = str.maketrans({"~": "〜", "∼": "〜", "〰": "〜", "\t": " ", "\r": "\n"})
_RANGE_GATE = re.compile("[~∼〰\t\r]")
# One line per token: surface, pos1, pos2, orthBase (unknown words have no orthBase).
_RC = (
    "node-format-noki = %m\\t%f[0]\\t%f[1]\\t%f[10]\\n\n"
    "unk-format-noki = %m\\t%f[0]\\t%f[1]\\t*\\n\n"
    "eos-format-noki = EOS\\n\n"
)
# A user-dictionary row: noun ids from unidic-lite left-id.def (名詞,普通名詞,一般,*,*,*,*,*,漢).
_NOUN_ID = 5146
_COST = 3000


def normalize(text: str) -> str:
    """NFKC, lower-case ASCII, one range marker (〜), no tabs, spoken variants folded."""
    out = nfkc(text)
    if _RANGE_GATE.search(out):
        out = out.translate(_RANGE)
    out = out.lower().strip()
    if _PHRASE_GATE.search(out):
        for pattern, replacement in _PHRASES:
            out = pattern.sub(replacement, out)
    return out


def _user_dict_rows(surfaces: Iterable[str]) -> str:
    rows = []
    for s in surfaces:
        features = ["名詞", "普通名詞", "一般", "*", "*", "*", s, s, s, s, s, s, "混"] + ["*"] * 13
        rows.append(",".join([s, str(_NOUN_ID), str(_NOUN_ID), str(_COST), *features]))
    return "\n".join(rows) + "\n"


def build_user_dict(surfaces: Iterable[str], directory: Path) -> tuple[Path, Path]:
    """Compile the compounds into (user.dic, mecabrc) under directory, once per content hash."""
    csv_text = _user_dict_rows(surfaces)
    key = hashlib.sha256((csv_text + _RC + DICDIR).encode()).hexdigest()[:12]
    dic, rc = directory / f"user-{key}.dic", directory / f"mecabrc-{key}"
    if not rc.exists():
        rc_tmp = rc.with_suffix(f".{os.getpid()}.tmp")
        rc_tmp.write_text(f"dicdir = {DICDIR}\n{_RC}", encoding="utf-8")
        os.replace(rc_tmp, rc)
    if not dic.exists():
        src = directory / f"user-{key}.{os.getpid()}.csv"
        tmp = directory / f"user-{key}.{os.getpid()}.dic.tmp"
        src.write_text(csv_text, encoding="utf-8")
        args = f"mecab-dict-index -d {DICDIR} -u {tmp} -f utf8 -t utf8 {src}"
        # The compiler prints progress bars; keep them off our stdout/stderr.
        subprocess.run(
            [sys.executable, "-c", "import fugashi, sys; fugashi.build_dictionary(sys.argv[1])",
             args],
            check=True, capture_output=True,
        )
        os.replace(tmp, dic)  # atomic: concurrent first uses never see a half-written file
        src.unlink(missing_ok=True)
    return dic, rc


class Tokenizer:
    """Content tokens (orthBase) with compounds, negation (`連絡+ない`) and stopwords applied."""

    def __init__(self, user_words: Iterable[str] | None = None,
                 stop: Iterable[str] | None = None) -> None:
        words = compounds() if user_words is None else tuple(user_words)
        dic, rc = build_user_dict(sorted({nfkc(w) for w in words}), cache_dir())
        self._tagger = fugashi.Tagger(f"-r {rc} -d {DICDIR} -u {dic} -O noki")
        self._stop = stopwords() if stop is None else frozenset(stop)
        self.function_words: set[str] = set()

    def tokens(self, text: str) -> list[str]:
        """Tokens of one voice (normalised here; long text is cut into safe chunks)."""
        out: list[str] = []
        text = normalize(text).replace("\n", "。")
        if len(text) <= MAX_CHUNK:
            self._scan(self._tagger.parse(text), out)
        else:
            for chunk in _chunks(text):
                self._scan(self._tagger.parse(chunk), out)
        return out

    def _scan(self, parsed: str, out: list[str]) -> None:
        stop, last, before = self._stop, -1, ""
        add_function_word = self.function_words.add
        morphemes = _morphemes(parsed)
        # 「来週と言われたのに」: see noki.voc.cues (most voices cannot fire it: no scan then).
        fire = contrast_points(morphemes) if may_fire(parsed) else []
        it = iter(morphemes)
        for index, (surface, pos1, pos2, base) in enumerate(zip(it, it, it, it, strict=True)):
            previous, before = before, base
            if fire and index in fire:
                out.append(CONTRAST_TOKEN)
                add_function_word(CONTRAST_TOKEN)
            if pos1 == "助詞":
                if base == "も" and out and previous == "いつ" == out[-1]:
                    out[-1] = "いつも"  # the greeting いつもお世話に, not the question いつ
                continue
            if base in NEGATION and pos1 in NEG_POS:
                # Negation carries the complaint: 連絡がない -> 連絡+ない, not 連絡.
                if last >= 0 and not out[last].endswith(NEG_SUFFIX):
                    out[last] += NEG_SUFFIX
                continue
            if pos1 in CONTENT:
                if pos2 == "数詞":
                    continue
                tok = base if base and base != "*" else surface
                if tok not in stop and not tok.isdigit():
                    out.append(tok)
                    last = len(out) - 1
            elif pos1 in FUNCTION:
                tok = base if base and base != "*" else surface
                if tok not in stop:
                    out.append(tok)
                    add_function_word(tok)
            elif pos1 == "補助記号" or pos1 == "空白":
                last = -1  # negation never reaches across a clause boundary

    def tokenize_all(self, texts: Iterable[str]) -> list[list[str]]:
        """Tokens for each text, one MeCab call per distinct text (never joined).

        A text repeated in the batch (a copied complaint, a stock phrase) is tokenized once;
        each text still gets its own list.
        """
        done: dict[str, list[str]] = {}
        out = []
        for text in texts:
            tokens = done.get(text)
            if tokens is None:
                tokens = done[text] = self.tokens(text)
            out.append(tokens.copy())
        return out


def _morphemes(parsed: str) -> list[str]:
    """Flat [surface, pos1, pos2, base, ...] of one MeCab output in the noki node format.

    Every morpheme line holds exactly three tabs (normalize() turns tabs into spaces, and no
    feature holds one) and the output ends with "EOS" (fugashi strips the last newline), so one
    split does; anything else is read line by line, dropping lines of another shape.
    """
    flat = parsed.replace("\n", "\t").split("\t")
    if len(flat) == 4 * parsed.count("\n") + 1 and flat[-1] == "EOS":
        flat.pop()
        return flat
    out: list[str] = []
    for line in parsed.split("\n"):
        parts = line.split("\t")
        if len(parts) == 4:
            out += parts
    return out


def _chunks(text: str) -> Iterator[str]:
    if len(text) <= MAX_CHUNK:
        yield text
        return
    start = 0
    while start < len(text):
        end = min(start + MAX_CHUNK, len(text))
        if end < len(text):
            cut = max(text.rfind(c, start, end) for c in "。!?")
            if cut > start:
                end = cut + 1
        yield text[start:end]
        start = end


@lru_cache(maxsize=1)
def default_tokenizer() -> Tokenizer:
    """The shared tokenizer with the shipped compounds and stopwords."""
    return Tokenizer()
