"""Addressees and placeholders: the customer's name as written, and what is not a name."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from noki.domain.order import Order
from noki.drafting import jatext
from noki.drafting import lexicon as lx
from noki.drafting.wording import is_company

if TYPE_CHECKING:
    from noki.drafting.checker import _Part, _Report


def placeholders_and_names(part: _Part, order: Order, report: _Report) -> None:
    for m in lx.PLACEHOLDER.finditer(part.masked):
        report.add("placeholder_left", f"未置換のプレースホルダ「{m.group()}」", part, m.span())
    name = order.customer.name
    accepted = accepted_names(name)
    for m in lx.addressees(part.masked):
        who = m.group("name")
        if lx.PLACEHOLDER_CHARS.search(who):
            continue
        compact = who.replace(" ", "").replace("\u3000", "")
        if compact.endswith(lx.NOT_A_NAME) or any(compact.endswith(a) for a in accepted):
            continue
        report.add("wrong_name", f"宛名「{who} {m.group('h')}」がお客様({name})と一致しません",
                   part, m.span())


def known_names(order: Order) -> tuple[str, ...]:
    return names_of(order.sku.name, order.customer.name)


@lru_cache(maxsize=4096)
def names_of(item: str, customer: str) -> tuple[str, ...]:
    found = {jatext.normalise(item).text, jatext.normalise(customer).text}
    found.update(accepted_names(customer))
    return tuple(sorted((n for n in found if len(n) >= 2), key=len, reverse=True))


def company_core(name: str) -> str:
    """A company's name without 株式会社/有限会社 and spaces (東和建設)."""
    full = jatext.normalise(name).text.replace(" ", "").replace("\u3000", "")
    return re.sub(r"株式会社|有限会社|合同会社|\(株\)|\(有\)", "", full)


@lru_cache(maxsize=4096)
def accepted_names(name: str) -> tuple[str, ...]:
    norm = jatext.normalise(name).text
    full = norm.replace(" ", "").replace("\u3000", "")
    names = {full}
    if is_company(norm):
        core = re.sub(r"株式会社|有限会社|合同会社|\(株\)|\(有\)", "", full)
        if core:
            names.add(core)
    else:
        names.add(norm.replace("\u3000", " ").split(" ")[0])
    return tuple(names)
