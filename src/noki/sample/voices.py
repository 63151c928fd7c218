"""Realistic sample customer voices about backorders (deterministic per seed, with known codes).

Phrasings are written separately from data/voc/train/ so the classifier is tested on wording it
never saw. The last two weeks carry a surge of repeated delays and of one open topic (gift wrap
before the holidays) so the report has a spike to show.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from noki.sample.catalog import AUTO_ITEMS, BTOB_ITEMS, EC_ITEMS

END = date(2026, 11, 22)
WEEKS = 12
CHANNELS = ("review", "sns", "email", "call", "chat")

# Per code: (casual phrasing, formal phrasing) pools; {item} is replaced by a product name.
PHRASES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "delay_reason_unclear": (
        ("{item}がなんで遅れてるのか、どこにも書いてない", "遅延って言われても原因が謎すぎる",
         "どういう事情で入荷が遅いのか知りたい", "理由を聞いたらはぐらかされた"),
        ("{item}の遅延原因について、ご説明をいただけておりません",
         "入荷遅延の具体的な理由をお聞かせいただけますでしょうか",
         "遅れの要因が不明なため、社内への報告ができずにおります"),
    ),
    "eta_vague": (
        ("{item}、結局いつ手元に来るのかさっぱり", "入荷予定が「未定」から一向に変わらない",
         "発送時期の目安すら出てないのはどうなの", "「近日中」がもう3週間続いてる"),
        ("{item}の納品時期について、おおよその目処だけでもご教示ください",
         "入荷見込みが未定のままでは発注計画を確定できません",
         "「順次出荷」とのことですが、弊社分の出荷予定時期をお示しください"),
    ),
    "no_update": (
        ("注文してから何の知らせもない", "{item}の状況、問い合わせないと誰も教えてくれない",
         "その後どうなったのか全然連絡がこない", "メールの一通くらいくれてもいいのに"),
        ("{item}の件、その後の状況についてご連絡をいただけておりません",
         "先般お問い合わせした件、いまだご返信がございません",
         "進捗のご報告が途絶えており、状況が把握できておりません"),
    ),
    "no_alternative": (
        ("{item}が無理なら似た商品でもよかったのに、何も提案されなかった",
         "在庫のある分だけでも先に送ってくれればいいのに",
         "別のモデルに変える選択肢も教えてほしかった"),
        ("{item}の代わりとなる製品のご提案をお願いできませんでしょうか",
         "納品可能な数量のみ先行してお送りいただくことは可能でしょうか",
         "代替となる品番の候補をご提示いただけますと助かります"),
    ),
    "compensation": (
        ("これだけ待たされて何の埋め合わせもないの?", "お詫びが一言だけってさすがに軽すぎる",
         "せめて送料くらいはサービスしてほしい"),
        ("遅延により生じた費用の負担について、ご相談させてください",
         "本件遅延に対するお詫びと今後の対応方針をご提示ください"),
    ),
    "cancel_refund_process": (
        ("{item}をキャンセルしたいけど、どこから申し込むのか分からない",
         "返金っていつ戻ってくるの?説明がどこにもない",
         "キャンセル手続きが複雑すぎて途中で挫折した"),
        ("{item}の発注取消を希望しますが、必要な手続きをご案内ください",
         "キャンセル時の返金方法と返金時期についてご教示ください"),
    ),
    "repeated_delay": (
        ("{item}、また入荷日がずれた。何回目?", "延期のお知らせがまた届いた。もう慣れた",
         "予定日が延びるのこれで三度目"),
        ("{item}の納期が再び変更となり、大変困惑しております",
         "度重なる納期の延期により、弊社工程に影響が出ております"),
    ),
    "inconsistent_info": (
        ("{item}、電話で聞いた日とメールの日付が合わない",
         "サイトは在庫ありなのに注文したら入荷待ち",
         "担当の人ごとに言うことがバラバラ"),
        ("{item}について、営業窓口とサポート窓口のご説明が一致しておりません",
         "受注確認書の納期とウェブ上の表示に相違がございます"),
    ),
}
NEUTRAL: tuple[tuple[str, ...], tuple[str, ...]] = (
    ("{item}届いた、思ってたより軽くていい感じ", "梱包がていねいで好印象", "色が写真どおりで満足",
     "サイズ感ちょうどよかった", "{item}、使い心地最高", "次はポイントで買おうかな",
     "入荷待ちだったけど予告どおりに届いた、ありがたい"),
    ("{item}を本日受領いたしました。ご対応ありがとうございました",
     "見積書の宛名変更をお願いいたします", "請求書の再発行をお願いできますでしょうか",
     "来月分の発注について別途ご相談させてください"),
)
GIFT: tuple[str, ...] = (
    "クリスマスのギフト包装はまだ申し込めますか", "プレゼント用にのし紙とギフト包装をお願いしたい",
    "ギフト包装の指定をし忘れたので追加したい", "年末のギフト用にラッピングできるか知りたい",
)
OPEN_CASUAL = ("", "", "すみません、", "ちょっと聞いて。", "正直、")
CLOSE_CASUAL = ("", "", "。", "…", "!", "。困ってます", "。早くしてほしい")
OPEN_FORMAL = ("お世話になっております。", "いつもお世話になっております。", "")
CLOSE_FORMAL = ("", "。何卒よろしくお願いいたします。", "。ご確認のほどお願い申し上げます。")
CALL_PREFIX = ("顧客より入電。", "入電あり。", "")


def _item(rng: random.Random, channel: str) -> tuple[str, str]:
    pool: tuple[tuple[Any, ...], ...] = EC_ITEMS
    if channel in ("email", "call") and rng.random() < 0.5:
        pool = BTOB_ITEMS if rng.random() < 0.6 else AUTO_ITEMS
    sku_id, name, *_ = rng.choice(pool)
    return sku_id, name


def _codes(rng: random.Random, recent: bool) -> tuple[str, ...]:
    roll = rng.random()
    if recent and roll < 0.18:
        return ("repeated_delay",)  # the late surge the report should flag as a spike
    if roll < 0.42:
        return ()
    weights = [1.0, 1.6, 1.4, 0.9, 0.5, 0.8, 0.9, 0.7]
    codes = list(PHRASES)
    first = rng.choices(codes, weights)[0]
    if rng.random() < 0.2:
        second = rng.choices(codes, weights)[0]
        return tuple(sorted({first, second}, key=codes.index))
    return (first,)


def _text(rng: random.Random, channel: str, codes: tuple[str, ...], item: str, gift: bool) -> str:
    formal = channel == "email" or (channel == "call" and rng.random() < 0.3)
    style = 1 if formal else 0
    parts = [rng.choice(PHRASES[c][style]) for c in codes] or [rng.choice(NEUTRAL[style])]
    if gift:
        parts.append(rng.choice(GIFT))
    body = "。".join(p.format(item=item) for p in parts)
    if channel == "call":
        return f"{rng.choice(CALL_PREFIX)}{body}とのこと。"
    if formal:
        return f"{rng.choice(OPEN_FORMAL)}{body}{rng.choice(CLOSE_FORMAL)}"
    return f"{rng.choice(OPEN_CASUAL)}{body}{rng.choice(CLOSE_CASUAL)}"


def sample_voices_labelled(
    n: int, seed: int = 0
) -> Iterator[tuple[dict[str, Any], tuple[str, ...]]]:
    """(voice, intended codes) pairs; the codes let benchmarks score the classifier."""
    rng = random.Random(seed)
    start = END - timedelta(weeks=WEEKS) + timedelta(days=1)
    days = (END - start).days + 1
    for idx in range(1, n + 1):
        # Volume grows towards the end of the period, as backorders pile up before the holidays.
        day = int(days * rng.random() ** 0.8)
        when = start + timedelta(days=min(day, days - 1))
        recent = (END - when).days < 14
        channel = rng.choices(CHANNELS, [0.3, 0.25, 0.15, 0.15, 0.15])[0]
        sku_id, item = _item(rng, channel)
        codes = _codes(rng, recent)
        gift = recent and rng.random() < 0.12
        voice = {
            "id": f"V{idx:06d}", "date": when.isoformat(), "channel": channel,
            "text": _text(rng, channel, codes, item, gift),
            "order_id": f"O-{rng.randrange(10**6):06d}" if rng.random() < 0.7 else None,
            "sku_id": sku_id,
        }
        yield voice, codes


def sample_voices(n: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    """Sample voices in the input format of `noki voc report` (id, date, channel, text, ...)."""
    for voice, _ in sample_voices_labelled(n, seed):
        yield voice
