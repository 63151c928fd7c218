// The agent's workspace (issue 14): select-all and whole-filter confirmation on the queue, the
// SMS length counter, presence heartbeat and keyboard shortcuts on the draft page. No libraries.
(() => {
  // Queue: tick every draft of the page.
  const all = document.getElementById("select-page");
  if (all) {
    all.addEventListener("change", () => {
      document.querySelectorAll("input.pick").forEach((box) => { box.checked = all.checked; });
    });
  }
  // Queue: approving a whole filter asks first, with the count the agent saw.
  const whole = document.getElementById("approve-filter");
  if (whole) {
    whole.addEventListener("submit", (event) => {
      const n = whole.dataset.count;
      if (!window.confirm(`条件に合う ${n} 件（テンプレート作成・チェック合格・自動承認可）を承認して送信キューに入れます。よろしいですか？`)) {
        event.preventDefault();
      }
    });
  }

  // Draft page: SMS length under the editor (UCS-2 70/67, GSM-7 160/153, like the sender).
  const GSM7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  const body = document.querySelector("textarea[data-sms-limit]");
  const counter = document.getElementById("sms-counter");
  if (body && counter) {
    const limit = Number(body.dataset.smsLimit || "1");
    const update = () => {
      const text = body.value;
      const chars = [...text].length;
      const gsm = [...text].every((ch) => GSM7.includes(ch));
      const units = gsm ? chars : text.length; // UTF-16 code units: astral characters count twice
      const [single, multi] = gsm ? [160, 153] : [70, 67];
      const parts = units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / multi);
      const over = parts > limit;
      counter.textContent = `${chars} 文字・${parts} 通（${gsm ? "英数字" : "全角"}：1 通 ${single} 文字、分割時 ${multi} 文字）・上限 ${limit} 通${over ? "を超えています" : ""}`;
      counter.classList.toggle("over", over);
    };
    body.addEventListener("input", update);
    update();
  }

  // Draft page: who else has this notice open (a heartbeat every 15 s; works across processes).
  const presence = document.getElementById("presence");
  const csrf = document.querySelector("input[name=csrf_token]");
  const match = location.pathname.match(/^\/drafts\/(\d+)/);
  if (presence && csrf && match) {
    const url = `/drafts/${match[1]}/presence`;
    const beat = async () => {
      const data = new URLSearchParams({ csrf_token: csrf.value, mode: presence.dataset.mode || "view" });
      try {
        const answer = await fetch(url, { method: "POST", body: data, credentials: "same-origin" });
        if (!answer.ok) return;
        const { others } = await answer.json();
        presence.hidden = others.length === 0;
        presence.textContent = others.map((p) => `${p.name} さんがこの下書きを${p.mode === "edit" ? "編集中" : "表示中"}です。`).join(" ");
      } catch (_) { /* offline for a moment: the next beat tries again */ }
    };
    setInterval(beat, 15000);
    window.addEventListener("pagehide", () => {
      navigator.sendBeacon(url, new URLSearchParams({ csrf_token: csrf.value, leave: "1" }));
    });
  }

  // Draft page: j next, a approve, r reject reason, e editor (not while typing).
  document.addEventListener("keydown", (event) => {
    const t = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (t instanceof HTMLElement && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName))) return;
    const go = {
      j: () => document.getElementById("next-link")?.click(),
      a: () => { const b = document.getElementById("approve-button"); if (b && !b.disabled && window.confirm("この文面を承認して送信しますか？")) b.click(); },
      r: () => document.getElementById("reject-reason")?.focus(),
      e: () => document.querySelector("textarea[name=body]")?.focus(),
    }[event.key];
    if (go) { event.preventDefault(); go(); }
  });
})();
