/* Target declaration and import pages (no inline script: the CSP forbids it).
   - an indicator row's 删除 button removes the row and asks for the findings again;
   - the upload form shows its progress from htmx's xhr progress event.
   ES5 only: the intranet browsers start at Chromium 90. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-remove-row]") : null;
    if (!button) { return; }
    var row = button.closest("tr");
    var form = button.closest("form");
    if (row) { row.parentNode.removeChild(row); }
    if (form) { form.dispatchEvent(new CustomEvent("row-removed", { bubbles: true })); }
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest ? event.target.closest("[data-upload]") : null;
    if (!form) { return; }
    var bar = form.querySelector("progress");
    var label = form.querySelector("[data-progress-label]");
    var detail = event.detail || {};
    if (!bar || !detail.lengthComputable) { return; }
    var percent = Math.round((detail.loaded / detail.total) * 100);
    bar.value = percent;
    bar.hidden = false;
    if (label) { label.textContent = "已上传 " + percent + "%"; }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target.closest ? event.target.closest("[data-upload]") : null;
    if (!form) { return; }
    var bar = form.querySelector("progress");
    var label = form.querySelector("[data-progress-label]");
    if (bar) { bar.value = 0; bar.hidden = false; }
    if (label) { label.textContent = "正在上传…"; }
  });
}());
