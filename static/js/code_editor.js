// A textarea with line numbers: <div class="code-editor"><pre class="code-gutter"></pre>
// <textarea></textarea></div>. The gutter follows the text and its scrolling; Tab
// indents by four spaces. An element [data-code-error-line="N"] anywhere in the
// page (e.g. "Invalid Python code on line N" from Detect tasks) marks line N.
(() => {
  function errorLine() {
    const marker = document.querySelector("[data-code-error-line]");
    return marker ? Number(marker.dataset.codeErrorLine) : null;
  }

  function render(editor) {
    const textarea = editor.querySelector("textarea");
    const gutter = editor.querySelector(".code-gutter");
    const count = textarea.value.split("\n").length;
    const error = errorLine();
    const lines = [];
    for (let line = 1; line <= count; line++) {
      lines.push(line === error ? `<span class="error-line" title="Error on this line">${line}</span>` : `${line}`);
    }
    gutter.innerHTML = lines.join("\n");
    gutter.scrollTop = textarea.scrollTop;
  }

  function setUp(editor) {
    if (editor.dataset.ready) return;
    editor.dataset.ready = "1";
    const textarea = editor.querySelector("textarea");
    const gutter = editor.querySelector(".code-gutter");
    textarea.addEventListener("input", () => render(editor));
    textarea.addEventListener("scroll", () => { gutter.scrollTop = textarea.scrollTop; });
    textarea.addEventListener("keydown", (event) => {
      if (event.key !== "Tab" || event.shiftKey || event.ctrlKey || event.metaKey) return;
      event.preventDefault();
      textarea.setRangeText("    ", textarea.selectionStart, textarea.selectionEnd, "end");
      render(editor);
    });
    render(editor);
  }

  function setUpAll() {
    document.querySelectorAll(".code-editor").forEach(setUp);
    document.querySelectorAll(".code-editor[data-ready]").forEach(render);
  }

  document.addEventListener("DOMContentLoaded", setUpAll);
  document.addEventListener("htmx:afterSettle", setUpAll);
})();
