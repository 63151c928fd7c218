"""Read the shipped VOC resources in data/voc/ (stopwords, lexicon, compounds, training data)."""

from __future__ import annotations

import os
import tempfile
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from noki.paths import shipped
from noki.voc.taxonomy import CODES


def data_dir() -> Path:
    """data/voc/ as shipped in the package."""
    return shipped("data", "voc")


def cache_dir() -> Path:
    """Writable cache for the compiled user dictionary: ./var/voc/, else a temp dir."""
    for candidate in (Path("var") / "voc", Path(tempfile.gettempdir()) / "noki-voc"):
        try:
            candidate.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(candidate, os.W_OK):
            return candidate
    raise OSError("no writable cache directory for the VOC user dictionary")


def nfkc(text: str) -> str:
    """NFKC, as every resource is compared with NFKC-normalised text."""
    return unicodedata.normalize("NFKC", text)


def _lines(path: Path) -> list[str]:
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append(nfkc(line))
    return out


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Token forms never emitted by the tokenizer."""
    return frozenset(_lines(data_dir() / "stopwords.txt"))


@lru_cache(maxsize=1)
def topic_filler() -> frozenset[str]:
    """Terms never used as topic keywords (data/voc/topic_filler.txt)."""
    path = data_dir() / "topic_filler.txt"
    return frozenset(_lines(path)) if path.exists() else frozenset()


@lru_cache(maxsize=1)
def compounds() -> tuple[str, ...]:
    """Surfaces of domain compounds kept as one token (user_dict.csv, header skipped)."""
    rows = _lines(data_dir() / "user_dict.csv")
    surfaces = [row.split(",")[0].strip() for row in rows[1:]]
    return tuple(dict.fromkeys(s for s in surfaces if s))


PAIR = " ~ "  # lexicon entry "A ~ B": both tokens within a few tokens of each other


@dataclass(frozen=True)
class Lexicon:
    """Domain anchors, per-code evidence tokens and the information sources customers compare.

    An entry with a space is a token bigram; "A ~ B" is a near co-occurrence (either order).
    `sources` maps a source kind (web, mail, phone, staff ...) to its words: a voice naming two
    kinds ("サイトは在庫あり、メールでは入荷待ち") is evidence of inconsistent information.
    """

    domain: frozenset[str]
    codes: dict[str, frozenset[str]]
    sources: dict[str, frozenset[str]] = field(default_factory=dict)
    # A statement (or source) word near a contradiction word: 「話が違う」 needs no order word.
    statements: frozenset[str] = frozenset()
    contradictions: frozenset[str] = frozenset()
    # Tokens that occur in some "A ~ B" entry (only these are paired up per voice).
    pair_words: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        words = frozenset(w for entries in self.codes.values() for e in entries if PAIR in e
                          for w in e.split(PAIR))
        object.__setattr__(self, "pair_words", words)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load lexicon.yaml and refuse unknown codes."""
    doc = yaml.safe_load((data_dir() / "lexicon.yaml").read_text(encoding="utf-8"))
    codes = {}
    for code, entries in doc["codes"].items():
        if code not in CODES:
            raise ValueError(f"lexicon.yaml: unknown gap code {code!r}")
        codes[code] = frozenset(nfkc(str(e)) for e in entries)
        bad = [e for e in codes[code] if PAIR.strip() in e and e.count(PAIR) != 1]
        if bad:
            raise ValueError(f"lexicon.yaml: {code}: write co-occurrences as 'A ~ B': {bad}")
    sources = {kind: frozenset(nfkc(str(e)) for e in words)
               for kind, words in (doc.get("sources") or {}).items()}
    comparison = doc.get("comparison") or {}
    return Lexicon(domain=frozenset(nfkc(str(e)) for e in doc["domain"]), codes=codes,
                   sources=sources,
                   statements=frozenset(nfkc(str(e)) for e in comparison.get("statements", ())),
                   contradictions=frozenset(
                       nfkc(str(e)) for e in comparison.get("contradictions", ())))


@dataclass(frozen=True)
class Example:
    """One labelled training text."""

    text: str
    codes: tuple[str, ...]
    source: str  # file stem: review, sns, email, call, chat, ..., explanations
    line: int


@lru_cache(maxsize=1)
def training_examples() -> tuple[Example, ...]:
    """All labelled examples under data/voc/train/*.tsv (`codes<TAB>text`, `-` = none)."""
    out: list[Example] = []
    for path in sorted((data_dir() / "train").glob("*.tsv")):
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if number == 1 or not raw.strip():
                continue  # header
            label, _, text = raw.partition("\t")
            codes = tuple(c for c in label.split(",") if c and c != "-")
            unknown = [c for c in codes if c not in CODES]
            if unknown or not text.strip():
                raise ValueError(f"{path.name} line {number}: bad codes {unknown} or empty text")
            out.append(Example(text=text.strip(), codes=codes, source=path.stem, line=number))
    return tuple(out)


@dataclass(frozen=True)
class EvalVoice:
    """One hand-labelled evaluation voice (data/voc/eval/*.tsv), never used for training."""

    text: str
    codes: tuple[str, ...]
    register: str  # sns, keigo, phone, btob, car, review, chat
    line: int


def eval_voices(name: str) -> tuple[EvalVoice, ...]:
    """The evaluation set `name` (dev or holdout): `codes<TAB>register<TAB>text`, header first."""
    path = data_dir() / "eval" / f"{name}.tsv"
    out: list[EvalVoice] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if number == 1 or not raw.strip():
            continue
        parts = raw.split("\t")
        if len(parts) != 3:
            raise ValueError(f"{path.name} line {number}: expected codes<TAB>register<TAB>text")
        label, register, text = parts
        codes = tuple(c for c in label.split(",") if c and c != "-")
        unknown = [c for c in codes if c not in CODES]
        if unknown or not text.strip():
            raise ValueError(f"{path.name} line {number}: bad codes {unknown} or empty text")
        out.append(EvalVoice(text=text.strip(), codes=codes, register=register.strip(),
                             line=number))
    return tuple(out)
