// Small behaviours that CSP allows (no inline handlers): confirm dialogs and select-all boxes.
document.addEventListener("click", (event) => {
  const confirmTarget = event.target.closest("[data-confirm]");
  if (confirmTarget && !window.confirm(confirmTarget.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
});
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-select-all]");
  if (!all) return;
  document.querySelectorAll(`input[name="${all.dataset.selectAll}"]`).forEach((box) => {
    box.checked = all.checked;
  });
});
// Repeatable form rows (Django formsets): a button with data-formset-add="<prefix>" clones
// <template id="<prefix>-empty">, numbering the new row from <prefix>-TOTAL_FORMS.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-formset-add]");
  if (!button) return;
  const prefix = button.dataset.formsetAdd;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const template = document.getElementById(`${prefix}-empty`);
  const rows = document.getElementById(`${prefix}-rows`);
  if (!total || !template || !rows) return;
  const index = Number.parseInt(total.value, 10);
  const max = document.getElementById(`id_${prefix}-MAX_NUM_FORMS`);
  if (max && index >= Number.parseInt(max.value, 10)) return;
  const html = template.innerHTML.replaceAll("__prefix__", String(index));
  const holder = document.createElement("tbody");
  holder.innerHTML = html;
  const row = holder.firstElementChild;
  rows.appendChild(row);
  total.value = String(index + 1);
  const first = row.querySelector("input:not([type=hidden]):not([type=radio]), select, textarea");
  if (first) first.focus();
});
