"""Benchmark inbound inquiries: parse + link + intent + template answer (+ check) per second.

    .venv/bin/python bench/inquiries.py [--n 5000] [--seed 1]

Builds n realistic replies as bytes (ISO-2022-JP 40%, Shift_JIS 8-bit 20%, UTF-8
quoted-printable 25%, HTML-only 15%; quoted notice + signature; 60% in-thread by In-Reply-To,
25% with an order number only, 15% unlinked; every intent), then times `process_mail` on all of
them. Reference in the same run: the notice drafter (`draft_notice`, template + checker) on the
same orders. Target: >= 500 inquiries/s.
"""

from __future__ import annotations

import argparse
import quopri
import random
import time
from email.header import Header
from email.mime.text import MIMEText

from noki.domain.order import Order
from noki.drafting import draft_notice
from noki.drafting.templates import TemplateDrafter
from noki.faq import FaqIndex, load_faq
from noki.inbound import process_mail
from noki.rules.store import RuleStore
from noki.sample.orders import sample_orders

decide = RuleStore().decide  # the shipped rules

TEXTS = [
    "いつ届きますか？予定を教えてください。", "入荷の目安だけでも知りたいです。",
    "代替品でお願いします。", "このまま待ちます。", "キャンセルできますか？",
    "キャンセルでお願いします。", "遅れた分の送料はどうなりますか。", "お詫びの補償はありますか。",
    "また延期ですか。いい加減にしてください。", "領収書の宛名を変更したいです。",
    "在庫のある分だけ先に送ってください。", "納期を来月に再設定してください。",
]
QUOTE = ("\n\n{date} のきストア <noreply@noki-store.example.jp>:\n> {name} 様\n"
         "> ご注文の商品の入荷が遅れております。\n> 新しい入荷予定は12月上旬です。\n")
SIGNATURE = "\n--\n{name}\nTEL 03-0000-0000\n"


def build_mail(rng: random.Random, i: int, order: Order, notice_id: str) -> bytes:
    text = rng.choice(TEXTS)
    link = rng.random()
    if 0.6 <= link < 0.85:
        text = f"注文番号 {order.order_id} の件です。\n{text}"
    body = text + SIGNATURE.format(name=order.customer.name) + QUOTE.format(
        date="2026年11月27日(金) 10:00", name=order.customer.name)
    kind = rng.random()
    if kind < 0.4:
        mail = MIMEText(body, "plain", "iso-2022-jp")
        mail["Subject"] = Header("Re: 入荷遅延のお知らせ", "iso-2022-jp")
    elif kind < 0.6:
        head = (f"From: c{i}@example.jp\r\nSubject: Re: 入荷遅延のお知らせ\r\n"
                f"Message-ID: <m{i}@c.jp>\r\nContent-Type: text/plain; charset=Shift_JIS\r\n")
        if link < 0.6:
            head += f"In-Reply-To: {notice_id}\r\n"
        return (head + "\r\n").encode("cp932") + body.encode("cp932")
    elif kind < 0.85:
        mail = MIMEText("", "plain", "utf-8")
        mail.replace_header("Content-Transfer-Encoding", "quoted-printable")
        mail.set_payload(quopri.encodestring(body.encode("utf-8")).decode("ascii"))
        mail["Subject"] = Header("Re: 入荷遅延のお知らせ", "utf-8")
    else:
        markup = "".join(f"<p>{line}</p>" for line in text.split("\n"))
        quoted = "<blockquote>" + QUOTE.format(date="", name="") + "</blockquote>"
        mail = MIMEText(f"<html><body>{markup}{quoted}</body></html>", "html", "utf-8")
        mail["Subject"] = Header("Re: 入荷遅延のお知らせ", "utf-8")
    mail["From"] = f"c{i}@example.jp"
    mail["Message-ID"] = f"<m{i}@c.jp>"
    if link < 0.6:
        mail["In-Reply-To"] = notice_id
    return mail.as_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    orders = [Order.model_validate(d) for d in sample_orders(args.n, seed=args.seed)]
    pairs = {o.order_id: (o, decide(o)) for o in orders}
    thread = {f"<notice-{o.order_id}@noki.example.jp>": o.order_id for o in orders}
    mails = [build_mail(rng, i, o, f"<notice-{o.order_id}@noki.example.jp>")
             for i, o in enumerate(orders)]
    faq = FaqIndex(load_faq())
    process_mail(mails[0], thread_orders=thread, lookup=pairs.get, faq=faq)  # warm the taggers

    started, cpu0 = time.perf_counter(), time.process_time()
    done = [process_mail(raw, thread_orders=thread, lookup=pairs.get, faq=faq) for raw in mails]
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu0
    started, cpu0 = time.perf_counter(), time.process_time()
    drafter = TemplateDrafter()  # one drafter, as the workers use (not one per notice)
    drafts = [draft_notice(o, d, drafter=drafter) for o, d in pairs.values()]
    ref_wall, ref_cpu = time.perf_counter() - started, time.process_time() - cpu0

    methods = {m: sum(p.link.method == m for p in done) for m in ("thread", "order_number",
                                                                     "unlinked")}
    intents: dict[str, int] = {}
    for p in done:
        if p.intent:
            intents[p.intent.intent] = intents.get(p.intent.intent, 0) + 1
    ok = sum(bool(p.answer and p.answer.check.ok) for p in done)
    rate, ref = len(done) / wall, len(drafts) / ref_wall
    print(f"inquiries (parse + link + intent + template answer + check): {len(done):,} in "
          f"{wall:.2f} s = {rate:,.0f}/s ({len(done) / cpu:,.0f}/s per CPU-second); "
          f"answers passing the checker: {ok:,}")
    print(f"  links: {methods}; intents: {intents}")
    print(f"reference, notice drafter (template + checker): {len(drafts):,} in {ref_wall:.2f} s = "
          f"{ref:,.0f}/s ({len(drafts) / ref_cpu:,.0f}/s per CPU-second)")
    print(f"ratio inquiries/notices: {rate / ref:.2f}; target >= 500 inquiries/s: "
          f"{'met' if rate >= 500 else 'NOT met'}")


if __name__ == "__main__":
    main()
