"""Thin file layer: read voices (CSV/JSONL), the FAQ (YAML) and notice templates (Jinja2 files)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from noki.io.jsonl import LineError, format_validation_error
from noki.paths import shipped
from noki.voc.models import CHANNELS, ExplanationDoc, FaqEntry, Voice

DEFAULT_FAQ = shipped("data", "faq.yaml")
DEFAULT_PROPOSALS = shipped("data", "voc", "proposals.yaml")
DEFAULT_TEMPLATES = shipped("templates", "notice")
DEFAULT_RULES = shipped("rules")
TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


@dataclass(frozen=True)
class VoiceRead:
    """Voices kept, rows rejected (skipped) and notes about rows kept with a fix."""

    voices: list[Voice]
    errors: list[LineError]
    warnings: list[LineError]


def _rows(path: Path) -> Iterator[tuple[int, dict[str, object] | LineError]]:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        start = 2
        for row in reader:
            yield start, {k.strip(): v for k, v in row.items() if k}
            start = reader.line_num + 1
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, LineError(number, "(json)", f"invalid JSON: {exc.msg}")
            continue
        if not isinstance(doc, dict):
            yield number, LineError(number, "(document)", "expected a JSON object")
            continue
        yield number, doc


def read_voices(path: Path) -> VoiceRead:
    """Parse a CSV (with header) or JSONL file; rows without text or with a bad date are skipped."""
    voices, errors, warnings = [], [], []
    seen: set[str] = set()
    for number, row in _rows(path):
        if isinstance(row, LineError):
            errors.append(row)
            continue
        row = {k: (None if v == "" else v) for k, v in row.items()}
        if not str(row.get("text") or "").strip():
            errors.append(LineError(number, "text", "no text"))
            continue
        if row.get("id") is None:
            row["id"] = f"line-{number}"
            warnings.append(LineError(number, "id", f"missing, kept as {row['id']}"))
        try:
            voice = Voice.model_validate(row)
        except ValidationError as exc:
            errors.extend(LineError(number, f, m) for f, m in format_validation_error(exc))
            continue
        if voice.channel not in CHANNELS:
            warnings.append(LineError(number, "channel", f"unknown value {voice.channel!r}, kept"))
        if voice.id in seen:
            warnings.append(LineError(number, "id", f"duplicate id {voice.id!r}, kept"))
        seen.add(voice.id)
        voices.append(voice)
    return VoiceRead(voices, errors, warnings)


def load_faq(path: Path) -> list[FaqEntry]:
    """A YAML list of {id, question, answer} (extra keys ignored); a mapping with `faq:` too."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if isinstance(doc, dict):
        doc = doc.get("faq") or doc.get("entries") or []
    if not isinstance(doc, list):
        raise ValueError(f"{path}: expected a list of FAQ entries")
    return [FaqEntry.model_validate(entry) for entry in doc]


def load_templates(directory: Path) -> list[ExplanationDoc]:
    """Every Jinja2 file under directory, tags stripped, named by its relative path."""
    docs = []
    files = (p for p in directory.rglob("*") if p.is_file() and p.name.endswith(TEMPLATE_SUFFIXES))
    for path in sorted(files):
        try:
            raw = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # not a text template
        name = path.relative_to(directory).as_posix()
        text = _JINJA.sub(" ", raw)
        docs.append(ExplanationDoc(id=name, kind="template", title=name, text=text))
    return docs


def load_proposals(path: Path) -> dict[str, dict[str, object]]:
    """data/voc/proposals.yaml: code -> {question, answer, evidence, wording}; codes checked."""
    from noki.voc.taxonomy import CODES

    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: expected a mapping of gap code -> proposal")
    for code, entry in doc.items():
        if code not in CODES:
            raise ValueError(f"{path}: {code}: unknown gap code (expected one of {CODES})")
        missing = {"question", "answer"} - set(entry or {})
        if missing:
            raise ValueError(f"{path}: {code}: missing {', '.join(sorted(missing))}")
    return doc


def rule_table_names(directory: Path) -> set[str]:
    """Names of the decision tables in rules/*.yaml (evidence for proposals)."""
    names: set[str] = set()
    for path in sorted(directory.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for table in doc.get("tables") or [] if isinstance(doc, dict) else []:
            if isinstance(table, dict) and table.get("name"):
                names.add(str(table["name"]))
    return names
