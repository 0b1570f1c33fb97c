// Add and remove rows of a Django formset in the page.
// A button with data-formset-add="PREFIX" appends a copy of <template id="PREFIX-template">
// to #PREFIX-rows and counts it in PREFIX-TOTAL_FORMS; [data-formset-remove] drops its row
// (the server ignores rows that are missing or blank). Delegated, so it works on forms
// that htmx swaps in.
document.addEventListener("click", (event) => {
  const add = event.target.closest("[data-formset-add]");
  if (add) {
    const prefix = add.dataset.formsetAdd;
    const form = add.closest("form");
    const total = form.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    const template = form.querySelector(`#${prefix}-template`);
    const rows = form.querySelector(`#${prefix}-rows`);
    rows.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__prefix__", total.value));
    total.value = Number(total.value) + 1;
    rows.lastElementChild.querySelector("input")?.focus();
    return;
  }
  const remove = event.target.closest("[data-formset-remove]");
  if (remove) {
    remove.closest("[data-formset-row]").remove();
  }
});
