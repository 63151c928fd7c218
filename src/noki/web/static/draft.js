// The draft editor keeps what the agent typed: a warning before leaving with unsaved edits,
// and a confirmation before 再作成 replaces edited text. (Approve sends the editor's text.)
(() => {
  const form = document.getElementById("edit-form");
  if (!form) return;
  const fields = [...form.querySelectorAll("textarea[name=body], input[name=subject]")];
  const initial = fields.map((f) => f.value);
  const dirty = () => fields.some((f, i) => f.value !== initial[i]);
  let leaving = false;
  form.addEventListener("submit", () => { leaving = true; });
  window.addEventListener("beforeunload", (event) => {
    if (leaving || !dirty()) return;
    event.preventDefault();
    event.returnValue = "";
  });
  const regenerate = document.getElementById("regenerate-form");
  if (!regenerate) return;
  regenerate.addEventListener("submit", (event) => {
    const unsaved = dirty();
    if (!unsaved && regenerate.dataset.edited !== "1") return;
    const what = unsaved ? "編集中の（保存していない）変更" : "担当者が保存した変更";
    if (window.confirm(`再作成すると${what}は失われます。再作成しますか？`)) {
      leaving = true;
    } else {
      event.preventDefault();
    }
  });
})();
