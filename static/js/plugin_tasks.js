// The task rows of the plugin file editor: add and remove tasks and their
// input/output rows, and switch a task between function and artifact.
// Row names carry indices (tasks-<t>-in-<r>-name); the server only orders by
// them, so removed rows just leave gaps. Delegated, so it works on rows that
// htmx swaps in ("Detect tasks", a refused save).
document.addEventListener("click", (event) => {
  const addTask = event.target.closest("[data-task-add]");
  if (addTask) {
    const rows = addTask.closest("#task-rows");
    const index = Number(rows.dataset.nextTask || 0);
    rows.dataset.nextTask = index + 1;
    const html = rows.querySelector("#task-template").innerHTML.replaceAll("__task__", index);
    const list = rows.querySelector("#task-list");
    list.insertAdjacentHTML("beforeend", html);
    rows.querySelector("[data-empty-tasks]")?.remove();
    const task = list.lastElementChild;
    const kind = task.querySelector("[data-task-kind]");
    kind.value = addTask.dataset.taskAdd;
    showKind(task, kind.value);
    task.querySelector("input")?.focus();
    return;
  }
  const addParam = event.target.closest("[data-param-add]");
  if (addParam) {
    const direction = addParam.dataset.paramAdd;
    const task = addParam.closest("[data-task]");
    const body = task.querySelector(`[data-params="${direction}"]`);
    const template = task.querySelector(`template[data-param-template="${direction}"]`);
    const index = Number(body.dataset.next || 0);
    body.dataset.next = index + 1;
    body.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__row__", index));
    body.lastElementChild.querySelector("input")?.focus();
    return;
  }
  const remove = event.target.closest("[data-row-remove]");
  if (remove) {
    remove.closest("[data-row]").remove();
  }
});

// Artifact tasks declare no inputs: hide and disable (so they are not posted).
function showKind(task, kind) {
  const inputs = task.querySelector(".task-inputs");
  inputs.disabled = kind === "artifact";
  inputs.hidden = kind === "artifact";
}

document.addEventListener("change", (event) => {
  if (event.target.matches("[data-task-kind]")) {
    showKind(event.target.closest("[data-task]"), event.target.value);
  }
});
