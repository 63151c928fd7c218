"""Rule authors read messages in Japanese by default (`--lang en` keeps the English).

The loader and linter build their messages in English (tests and logs match on them); this
module turns one into Japanese for people, pattern by pattern. A message no pattern knows
stays English rather than being guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from noki.rules.model import RuleError

LANGS = ("ja", "en")

_KINDS = {
    "a date (YYYY-MM-DD)": "日付 (YYYY-MM-DD)", "a date": "日付", "a number": "数値",
    "a whole number": "整数", "a int": "整数", "a string": "文字列", "text": "文字列",
    "true or false": "true か false", "a bool": "true か false", "a list": "リスト",
    "a mapping (key: value)": "対応表 (キー: 値)", "a number of days": "日数",
    "or null": "または null", "a enum": "決められた値",
}


def _kind(text: str) -> str:
    """English type words inside a fragment, in Japanese."""
    out = text
    listed = re.match(r"^one of:? (.*?)( or null)?$", out)
    if listed:
        return f"{listed[1]} のいずれか" + (" (または null)" if listed[2] else "")
    for en, ja in sorted(_KINDS.items(), key=lambda kv: -len(kv[0])):
        out = out.replace(en, ja)
    return out


Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _r(pattern: str, make: Callable[[re.Match[str]], str]) -> Rule:
    return re.compile(pattern, re.S), make


# Hints appended to messages (translated wherever they appear).
_HINTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r" \(did you mean ('[^']*')\?\)"), r" (もしかして \1 ですか?)"),
    (re.compile(r" \(full-width digits: use 0-9\)"),
     " (全角数字が含まれています: 半角の 0-9 で書いてください)"),
    (re.compile(r" \(write amounts without commas: (\d+)\)"),
     r" (金額はカンマなしで \1 と書いてください)"),
    (re.compile(r" \(contains a full-width space\)"), " (全角スペースが含まれています)"),
]

_RULES: list[Rule] = [
    _r(r"^row (\d+), column (\S+): (.*)$",
       lambda m: f"{m[1]} 行目 {m[2]} 列: {localize_text(m[3])}"),
    _r(r"^column '(.+?)' is not a column of table (\S+) \(columns: (.*)\)$",
       lambda m: f"列 {m[1]} は表 {m[2]} の列ではありません (列: {m[3]})"),
    _r(r"^then: amount written with a comma: write (\d+)$",
       lambda m: f"then: 金額にカンマがあります: {m[1]} と書いてください"),
    _r(r"^then: '(.+?)' is not an output of this table; declare it under outputs "
       r"\(known: (.*)\)$",
       lambda m: f"then: {m[1]} はこの表の出力ではありません。outputs に書いてください "
                 f"(この表の出力: {m[2]})"),
    _r(r"^then (\S+): unknown value (.+?); expected (.+)$",
       lambda m: f"then {m[1]}: 値 {m[2]} は使えません。使える値: {_kind(m[3])}"),
    _r(r"^rule (\S+): then (\S+): this expression computes (.+?), but \S+ must be (.+)$",
       lambda m: f"ルール {m[1]}: then {m[2]}: この計算式の結果は{_kind(m[3])}ですが、"
                 f"{m[2]} には{_kind(m[4])}が必要です"),
    _r(r"^rule (\S+): '(.+?)' is not a declared input of table (\S+) \(inputs: (.*)\)$",
       lambda m: f"ルール {m[1]}: {m[2]} は表 {m[3]} の入力 (inputs) にありません "
                 f"(入力: {m[4]})"),
    _r(r"^unknown input '(.+?)'; inputs are .*$",
       lambda m: f"入力 {m[1]} は存在しません。入力に書けるのは注文の項目 (industry, "
                 "delay_days, customer.rank など) か他の表の出力です (docs/rules.md 参照)"),
    _r(r"^(\S+): unknown operator '(.+?)'; expected one of: (.*)$",
       lambda m: f"{m[1]}: 演算子 {m[2]} はありません。使える演算子: {m[3]}"),
    _r(r"^(\S+): operator '(.+?)' does not apply to a (\w+)$",
       lambda m: f"{m[1]}: 演算子 {m[2]} は{_kind('a ' + m[3])}には使えません"),
    _r(r"^(\S+): (.+?) (.+) is not (.+)$",
       lambda m: f"{m[1]}: {m[2]} {m[3]} は使えません。必要なのは{_kind(m[4])}です"),
    _r(r"^unknown field '(.+?)' in (.+?); expected one of: (.*)$",
       lambda m: f"{_where(m[2])} に項目 {m[1]} はありません。書ける項目: {m[3]}"),
    _r(r"^(.+?): missing '(.+?)'$", lambda m: f"{_where(m[1])} に {m[2]} がありません"),
    _r(r"^(.+?): (\S+) must be (.+?), got (.+)$",
       lambda m: f"{_where(m[1])}: {m[2]} には{_kind(m[3])}を書いてください (書かれた値: {m[4]})"),
    _r(r"^(.+?): (\S+) must not be empty$",
       lambda m: f"{_where(m[1])}: {m[2]} が空です"),
    _r(r"^duplicate rule id '(.+?)' (?:in table \S+ )?\(first at (.+)\)$",
       lambda m: f"ルール id {m[1]} が重複しています (最初は {m[2]})"),
    _r(r"^duplicate table name '(.+?)' \(first at (.+)\)$",
       lambda m: f"表の名前 {m[1]} が重複しています (最初は {m[2]})"),
    _r(r"^YAML: duplicate key '(.+?)' \(first at line (\d+)\)$",
       lambda m: f"YAML: キー {m[1]} が重複しています (最初は {m[2]} 行目)"),
    _r(r"^YAML: indentation uses a full-width space \(U\+3000\)$",
       lambda m: "YAML: 字下げに全角スペースが使われています。半角スペースで字下げしてください"),
    _r(r"^YAML: (.*)$", lambda m: f"YAML の書き方に誤りがあります: {m[1]}"),
    _r(r"^example '(.+?)' of table (\S+) fails: (.*)$",
       lambda m: f"表 {m[2]} の例 {m[1]} が合いません: {m[3]}"),
    _r(r"^vocabulary: unknown field '(.+?)'$",
       lambda m: f"語彙 (vocabulary): 項目 {m[1]} はありません"),
    _r(r"^order (\S+): (.*)$", lambda m: f"注文 {m[1]}: {localize_text(m[2])}"),
    _r(r"^no rule of table (\S+) \((.+?)\) matched$",
       lambda m: f"表 {m[1]} ({m[2]}) のどのルールにも当てはまりません"),
    _r(r"^tables depend on each other in a cycle: (.*)$",
       lambda m: f"表がお互いの出力を読み合っています (循環): {m[1]}"),
    _r(r"^no table decides '(.+?)': every decision field needs one$",
       lambda m: f"{m[1]} を決める表がありません: すべての決定項目に表が必要です"),
    _r(r"^not UTF-8 text: .*$", lambda m: "UTF-8 のテキストではありません (保存形式を確認)"),
]


def _where(text: str) -> str:
    """`rule x` / `table y` / `example of table z` in Japanese."""
    text = re.sub(r"^rule #(\d+) of (\S+)$", r"表 \2 の \1 番目のルール", text)
    text = re.sub(r"^rule (\S+)$", r"ルール \1", text)
    text = re.sub(r"^table (\S+)$", r"表 \1", text)
    text = re.sub(r"^example of table (\S+)$", r"表 \1 の例", text)
    return text.rstrip()


def localize_text(message: str, lang: str = "ja") -> str:
    """One message in the rule author's language (ja by default; en unchanged)."""
    if lang == "en":
        return message
    body, hints = message, ""
    for pattern, ja in _HINTS:
        for hint in pattern.finditer(body):
            hints += hint.expand(ja)
        body = pattern.sub("", body)
    for pattern, make in _RULES:
        found = pattern.match(body)
        if found:
            return make(found) + hints
    return body + hints


def localize(error: RuleError, lang: str = "ja") -> str:
    """`file:line: message` with the message in lang."""
    return f"{error.file}:{error.line}: {localize_text(error.message, lang)}"


_LINT: list[Rule] = [
    _r(r"^rule (\S+) can never fire: earlier rules? (.+?) covers? every input it matches$",
       lambda m: f"ルール {m[1]} は使われることがありません: 先にあるルール {m[2]} が、"
                 "この行に当てはまる注文をすべて先に取ります (行の順番を確認してください)"),
    _r(r"^rule (\S+) has the same conditions as rule (\S+) \(line (\d+)\), so it can never "
       r"fire$",
       lambda m: f"ルール {m[1]} はルール {m[2]} ({m[3]} 行目) と条件が同じなので、"
                 "使われることがありません"),
    _r(r"^rule (\S+) can never fire: no value of (.+?) in the declared domain satisfies its "
       r"conditions$",
       lambda m: f"ルール {m[1]} は使われることがありません: {m[2]} の条件に合う値がありません"
                 " (valid_from が valid_to より後、など)"),
    _r(r"^table (\S+) is declared complete but no rule covers (.*)$",
       lambda m: f"表 {m[1]} は complete (すべて網羅) ですが、次の場合に当てはまるルールが"
                 f"ありません: {m[2]}"),
    _r(r"^rules (\S+) \(line (\d+)\) and (\S+) both fire on the same input and set (\S+) to "
       r"(.+) and (.+)$",
       lambda m: f"ルール {m[1]} ({m[2]} 行目) と {m[3]} が同じ注文に当てはまり、{m[4]} を "
                 f"{m[5]} と {m[6]} の違う値にします"),
    _r(r"^rule (\S+) repeats rule (\S+) \(line (\d+)\): same conditions, same outputs$",
       lambda m: f"ルール {m[1]} はルール {m[2]} ({m[3]} 行目) の繰り返しです (条件も結果も同じ)"),
]


def localize_finding(text: str, lang: str = "ja") -> str:
    """A lint finding line (`file:line: severity: kind: message (example: ...)`) in lang."""
    if lang == "en":
        return text
    found = re.match(r"^(.*?:\d+): (error|warning): (\w+): (.*?)( \(example: (.*)\))?$", text)
    if not found:
        return text
    message = found[4]
    for pattern, make in _LINT:
        hit = pattern.match(message)
        if hit:
            message = make(hit)
            break
    severity = "エラー" if found[2] == "error" else "警告"
    example = f" (例: {found[6]})" if found[6] else ""
    return f"{found[1]}: {severity}: {found[3]}: {message}{example}"
