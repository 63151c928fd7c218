"""Intent of an inquiry (rules on normalised text), choice proposals and prompt-injection cues."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from noki.domain.decision import OptionName
from noki.inbound.models import ChoiceProposal, Intent, IntentResult

# Text that tries to instruct the system (data is never instructions; a person answers it).
INJECTION = re.compile(
    r"(?:以前|前|これまで|上記|先ほど)の(?:指示|命令|ルール|設定).{0,6}(?:無視|忘れ)|指示を無視|無視して(?:ください|下さい)?"
    r"|プロンプト|システム(?:メッセージ|の指示|管理者より)|あなたは今から|として振る舞|開発者モード"
    r"|\[?\s*(?:system|assistant|developer)\s*\]?\s*[:：>]|<\s*/?\s*(?:system|instructions?)\s*>"
    r"|ignore (?:all |the |any )?(?:previous|above|prior|earlier)|system prompt|jailbreak"
    r"|(?:と|を)(?:回答|返信|記載)に(?:含め|書い)|(?:必ず|絶対に).{0,20}(?:と書いて|と約束して|と回答して)",
    re.IGNORECASE,
)
_OPTION_WORDS: dict[OptionName, re.Pattern[str]] = {
    "wait": re.compile(r"このまま(?:お?待ち|待つ|待ちます)|待ちます|待つことに|待つ方|入荷を待つ"),
    "substitute": re.compile(r"代替品|代わりの(?:商品|品|もの)|同等品|後継品|互換品"
                             r"|別の(?:色|商品|型番|モデル|品番)|色違い"),
    "partial_shipment": re.compile(r"分納|部分出荷|分割(?:発送|納品)|一部(?:だけ)?(?:でも)?先に"
                                   r"|揃っている分|在庫のある分|ある分だけ|先行出荷"),
    "reschedule": re.compile(r"納期(?:を)?再設定|(?:納期|納品日|日程|時期)(?:を|の)?"
                             r"(?:調整|変更|再調整)|リスケ|延期して"),
    "cancel_refund": re.compile(r"キャンセル|取り消し|取消|取りやめ|返金"),
}
_WISH = re.compile(r"でお願い|にします|を希望|希望します|を選び|を選択|に変更|したい|がいい|で結構"
                   r"|で構いません|にして(?:ください|下さい)|て(?:ください|下さい|欲しい|ほしい)|でいい|で大丈夫")
_NOT = re.compile(r"^.{0,6}(?:しない|しません|は結構です|はしない|は不要|は希望しません"
                  r"|はいたしません)")
_QUESTION = re.compile(r"[?？]|でしょうか|ますか|ですか|教えて|知りたい|いつ")
_ETA = re.compile(r"いつ|届|入荷|納期|納品|納車|発送|出荷|予定|見込み|目安|目処|何日")
_COMPENSATION = re.compile(r"補償|お詫び(?:の品|として)|クーポン|値引|送料|ポイント|割引|賠償|損害"
                           r"|違約金|返金してほしい")
_CANCEL = re.compile(r"キャンセル|取り消|取消|解約|返金")
_COMPLAINT = re.compile(
    r"ひどい|最悪|いい加減|不誠実|納得(?:でき|いか)|困ります|困っています|怒|腹が立|ふざけ|責任者|クレーム"
    r"|何度(?:も|目)|また延期|再延期|誠意|信用でき|がっかり|不信|遅すぎ|許せ|あり得な|ありえな")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def propose_choice(text: str, offered: Sequence[str]) -> ChoiceProposal | None:
    """The option the customer asks for with a wish ("代替品でお願いします"), if any."""
    norm = _norm(text)
    best: tuple[int, OptionName, str] | None = None
    for option, pattern in _OPTION_WORDS.items():
        for m in pattern.finditer(norm):
            after = norm[m.end():m.end() + 24]
            if _NOT.match(after):
                continue
            if option != "wait" and not _WISH.search(after):
                continue
            line_start = norm.rfind("\n", 0, m.start()) + 1
            line_end = norm.find("\n", m.end())
            evidence = norm[line_start:line_end if line_end >= 0 else len(norm)].strip()[:120]
            if best is None or m.start() < best[0]:
                best = (m.start(), option, evidence)
    if best is None:
        return None
    _, option, evidence = best
    return ChoiceProposal(option=option, evidence=evidence, offered=option in offered,
                          event={"kind": "choice", "option": option, "source": "inbound_reply"})


def classify_intent(text: str, subject: str = "", *, offered: Sequence[str] = ()) -> IntentResult:
    """One intent: a stated choice wins, then cancellation, compensation, ETA, complaint."""
    norm = _norm(text)
    both = f"{_norm(subject)}\n{norm}"
    injection = bool(INJECTION.search(both))
    choice = propose_choice(norm, offered)
    cues: list[str] = []
    intent: Intent = "other"
    if choice is not None and (choice.option != "cancel_refund" or choice.offered):
        intent, cues = "option_choice", [choice.evidence]
    elif (m := _CANCEL.search(norm)) is not None:
        intent, cues = "cancellation", [m.group()]
    elif (m := _COMPENSATION.search(norm)) is not None:
        intent, cues = "compensation", [m.group()]
    elif (m := _ETA.search(norm)) is not None and _QUESTION.search(norm):
        intent, cues = "eta_question", [m.group()]
    elif (m := _COMPLAINT.search(norm)) is not None:
        intent, cues = "complaint", [m.group()]
    complaint = _COMPLAINT.search(norm)
    if complaint is not None and intent != "complaint":
        cues.append(f"苦情の語: {complaint.group()}")
    return IntentResult(intent=intent, cues=cues, choice=choice, injection=injection)
