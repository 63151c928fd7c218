"""Stub models for lifecycle notices: one writes the step's facts right, one gets them wrong."""

from __future__ import annotations

import json
import re
from typing import Any

from llm_stub_server import StubReply, _fact

_REFUND = re.compile(r"返金額: \S+ (?P<amount>[0-9,]+円)\((?P<by>[^)]*（.）)までに返金\)")


def _kind(prompt: str) -> str:
    line = next(x for x in prompt.splitlines() if x.startswith("- お知らせの種類"))
    for word, kind in (("ご選択内容の確認", "choice"), ("一部出荷", "partial"),
                       ("出荷のお知らせ", "shipped"), ("返金のお知らせ", "cancelled"),
                       ("過ぎても", "overdue")):
        if word in line:
            return kind
    return "delay"


def _reply(lines: list[str], subject: str) -> StubReply:
    body = "\n".join(["{{customer_name}} 様", *lines])
    return StubReply(content=json.dumps({"subject": subject, "body": body}, ensure_ascii=False))


def step_writer(body: dict[str, Any]) -> StubReply:
    """A model that states the step's facts as given (the checker accepts it)."""
    prompt = body["messages"][-1]["content"]
    url = _fact(prompt, "セルフサービスURL")
    kind = _kind(prompt)
    if kind == "shipped":
        return _reply(["ご注文の商品を発送いたしました。",
                       f"配送業者：{_fact(prompt, '配送業者')}",
                       f"お問い合わせ番号：{_fact(prompt, 'お問い合わせ番号')}",
                       f"ご注文の状況：{url}"], "【発送のお知らせ】")
    if kind == "cancelled":
        m = _REFUND.search(prompt)
        assert m is not None, prompt
        return _reply([f"ご注文のキャンセルの手続きが完了しました。お支払いいただいた代金"
                       f"{m['amount']}を、{m['by']}までに返金いたします。",
                       f"ご注文の状況：{url}"], "【キャンセルと返金のお知らせ】")
    if kind == "choice":
        chosen = _fact(prompt, "お客様が選んだ対応")
        return _reply([f"ご選択いただいた「{chosen}」で承りました。", f"ご注文の状況：{url}"],
                      "【ご選択内容の確認】")
    raise AssertionError(f"step_writer: unexpected prompt kind {kind}")


def careless_step_writer(body: dict[str, Any]) -> StubReply:
    """A model that gets the step wrong: another tracking number and an arrival promise after
    shipping, a refund without amount or day, the chosen option offered again as a menu."""
    prompt = body["messages"][-1]["content"]
    kind = _kind(prompt)
    if kind == "shipped":
        number = _fact(prompt, "お問い合わせ番号")
        wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
        return _reply(["ご注文の商品を発送いたしました。", f"お問い合わせ番号：{wrong}",
                       "お届け予定は12月5日（土）です。"], "【発送のお知らせ】")
    if kind == "cancelled":
        return _reply(["ご注文のキャンセルの手続きが完了しました。代金は後日返金いたします。"],
                      "【キャンセルのお知らせ】")
    if kind == "choice":
        return _reply(["次の対応からお選びください。", "・このまま入荷をお待ちいただく",
                       "・ご注文をキャンセルする"], "【ご選択内容の確認】")
    raise AssertionError(f"careless_step_writer: unexpected prompt kind {kind}")
