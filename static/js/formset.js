// Add and remove rows of a Django formset in the page.
// A button with data-formset-add="PREFIX" appends a copy of <template id="PREFIX-template">
// to #PREFIX-rows and counts it in PREFIX-TOTAL_FORMS; [data-formset-remove] drops its row
// (the server ignores rows that are missing or blank). Delegated, so it works on forms
// that htmx swaps in.
//
// A row may hold rows of its own (an artifact parameter's outputs): [data-subrow-add]
// appends a copy of the row's <template data-subrow-template> to its [data-subrows],
// numbering it with that element's data-next-row in place of __row__. The server only
// orders by these numbers, so removed rows leave gaps.
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
  const addSubrow = event.target.closest("[data-subrow-add]");
  if (addSubrow) {
    const row = addSubrow.closest("[data-formset-row]");
    const subrows = row.querySelector("[data-subrows]");
    const template = row.querySelector("template[data-subrow-template]");
    const index = Number(subrows.dataset.nextRow || 0);
    subrows.dataset.nextRow = index + 1;
    subrows.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__row__", index));
    subrows.lastElementChild.querySelector("input")?.focus();
    return;
  }
  const remove = event.target.closest("[data-formset-remove]");
  if (remove) {
    remove.closest("[data-formset-row]").remove();
  }
});
