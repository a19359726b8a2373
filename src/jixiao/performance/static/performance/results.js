/* The results grid: a block pasted from Excel (tab-separated rows, maybe with a header row, maybe with the
   indicator names in the first column) fills the cells from the focused cell on; the server reads and checks
   every cell when the grid is saved. Also the period switcher. ES5, no inline script (CSP). */
(function () {
  "use strict";

  var HEADER_WORDS = /完成值|实际|指标|等级|说明|备注|名称|序号|情况/;
  var NUMBER = /\d/;

  // Excel's clipboard text: rows end with \r\n or \n, cells are separated by tabs, a cell holding a tab, a
  // line break or a quote is quoted with doubled quotes inside.
  function parseTsv(text) {
    var rows = [], row = [], cell = "", i = 0, quoted = false, c;
    text = text.replace(/\r\n?/g, "\n");
    while (i < text.length) {
      c = text.charAt(i);
      if (quoted) {
        if (c === '"' && text.charAt(i + 1) === '"') { cell += '"'; i += 2; continue; }
        if (c === '"') { quoted = false; i += 1; continue; }
        cell += c; i += 1; continue;
      }
      if (c === '"' && cell === "") { quoted = true; i += 1; continue; }
      if (c === "\t") { row.push(cell); cell = ""; i += 1; continue; }
      if (c === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; i += 1; continue; }
      cell += c; i += 1;
    }
    if (cell !== "" || row.length) { row.push(cell); rows.push(row); }
    while (rows.length && rows[rows.length - 1].join("").replace(/\s/g, "") === "") { rows.pop(); }
    return rows;
  }

  function trim(s) { return (s || "").replace(/^[\s\u3000]+|[\s\u3000]+$/g, ""); }

  function isHeader(row) {
    var words = false, numbers = false;
    for (var i = 0; i < row.length; i++) {
      if (HEADER_WORDS.test(row[i])) { words = true; }
      if (NUMBER.test(row[i])) { numbers = true; }
    }
    return words && !numbers;
  }

  function gridRows(grid) {
    return Array.prototype.slice.call(grid.querySelectorAll("tbody > tr[data-row]"));
  }

  function byName(rows) {
    var names = {};
    for (var i = 0; i < rows.length; i++) { names[trim(rows[i].getAttribute("data-name"))] = rows[i]; }
    return names;
  }

  function fill(tr, startCol, cells) {
    var filled = 0;
    for (var j = 0; j < cells.length; j++) {
      var field = tr.querySelector("[data-col='" + (startCol + j) + "']");
      if (!field) { continue; }
      field.value = trim(cells[j]);
      field.classList.add("pasted");
      filled += 1;
    }
    return filled;
  }

  function say(grid, text) {
    var note = document.getElementById("paste-note");
    if (note) { note.textContent = text; note.hidden = false; }
  }

  function onPaste(event) {
    var target = event.target;
    if (!target || !target.getAttribute || target.getAttribute("data-col") === null) { return; }
    var grid = target.closest("[data-paste-grid]");
    if (!grid) { return; }
    var data = event.clipboardData || window.clipboardData;
    var text = data ? data.getData("text/plain") || data.getData("Text") : "";
    if (text.indexOf("\t") < 0 && text.replace(/\r?\n$/, "").indexOf("\n") < 0) { return; } // one value
    event.preventDefault();
    var block = parseTsv(text);
    if (block.length && isHeader(block[0])) { block.shift(); }
    var rows = gridRows(grid);
    var names = byName(rows);
    var startCol = parseInt(target.getAttribute("data-col"), 10);
    var matched = 0, i;
    for (i = 0; i < block.length; i++) { if (block[i].length > 1 && names[trim(block[i][0])]) { matched += 1; } }
    var filled = 0, skipped = [];
    if (matched && matched >= Math.ceil(block.length / 2)) {
      // The block carries the indicator names in its first column: each line goes to its indicator.
      for (i = 0; i < block.length; i++) {
        var tr = names[trim(block[i][0])];
        if (!tr) { skipped.push(trim(block[i][0]) || String(i + 1)); continue; }
        if (!tr.querySelector("[data-col]")) { skipped.push(tr.getAttribute("data-name")); continue; }
        filled += fill(tr, 0, block[i].slice(1));
      }
    } else {
      var start = rows.indexOf(target.closest("tr"));
      for (i = 0; i < block.length; i++) {
        var row = rows[start + i];
        if (!row) { skipped.push(String(i + 1)); continue; }
        if (!row.querySelector("[data-col]")) { skipped.push(row.getAttribute("data-name")); continue; }
        filled += fill(row, startCol, block[i]);
      }
    }
    var message = "已填入 " + filled + " 个单元格，保存后逐格检查。";
    if (skipped.length) { message += " 未填入（已提交、已审核或不在表中）：" + skipped.join("、"); }
    say(grid, message);
  }

  function onPeriodChange(event) {
    var select = event.target;
    if (!select.hasAttribute("data-period-base")) { return; }
    var base = select.getAttribute("data-period-base");
    window.location.href = base.replace(/year-1\/$/, select.value + "/");
  }

  document.addEventListener("paste", onPaste, true);
  document.addEventListener("change", onPeriodChange);
})();
