/* The results grid: a block pasted from Excel (tab-separated rows, maybe with a header row, maybe with the
   indicator names in the first column) fills the cells from the focused cell on; the server reads and checks
   every cell when the grid is saved. Also the period switcher. ES5, no inline script (CSP). */
(function () {
  "use strict";

  // A header cell as offices write them: 序号, 指标名称, 三级指标, 完成值, 实际完成值, 完成等级, 完成情况说明, 备注…
  var HEADER_CELL = /^(序号|[一二三]级指标|指标|指标名称|名称|(实际)?完成(值|数|情况|等级)?|实际值|等级|(完成情况)?说明|备注|(度量|计量)?单位|目标值|(年度)?指标值)([（(].*[)）])?$/;
  var NAME_HEADER = /指标|名称/;
  var VALUE_HEADER = /完成(值|数|等级)?$|实际|等级/;
  var NOTE_HEADER = /说明|备注|完成情况$/;
  var TARGET_HEADER = /目标|指标值|单位|序号/;

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
    var labels = 0;
    for (var i = 0; i < row.length; i++) {
      var cell = trim(row[i]).replace(/\s/g, "");
      if (cell === "") { continue; }
      if (!HEADER_CELL.test(cell)) { return false; }
      labels += 1;
    }
    return labels > 0;
  }

  // Which pasted column holds the name, the value and the narrative, read from the header's labels.
  function headerColumns(header) {
    var found = { name: -1, value: -1, note: -1 };
    for (var i = 0; i < header.length; i++) {
      var label = trim(header[i]).replace(/\s/g, "");
      if (TARGET_HEADER.test(label) && !VALUE_HEADER.test(label)) { continue; }
      if (NOTE_HEADER.test(label) && found.note < 0) { found.note = i; }
      else if (VALUE_HEADER.test(label) && found.value < 0) { found.value = i; }
      else if (NAME_HEADER.test(label) && found.name < 0) { found.name = i; }
    }
    return found.value >= 0 ? found : null;
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
      if (!field || cells[j] === null || cells[j] === undefined) { continue; }
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

  // The cells of one pasted line in the grid's column order (value, narrative), from ``columns``.
  function pick(line, columns) {
    // A column the block does not have is left as it is (null), never cleared.
    return [columns.value >= 0 ? line[columns.value] || "" : null, columns.note >= 0 ? line[columns.note] || "" : null];
  }

  function onPaste(event) {
    var target = event.target;
    if (!target || !target.getAttribute || target.getAttribute("data-col") === null) { return; }
    var grid = target.closest("[data-paste-grid]");
    if (!grid) { return; }
    var data = event.clipboardData || window.clipboardData;
    var text = data ? data.getData("text/plain") || data.getData("Text") : "";
    var lines = text.replace(/(\r?\n)+$/, "");
    if (lines.indexOf("\t") < 0 && (lines.indexOf("\n") < 0 || target.tagName === "TEXTAREA")) { return; }
    event.preventDefault();
    var block = parseTsv(text);
    var columns = null;
    if (block.length && isHeader(block[0])) { columns = headerColumns(block.shift()); }
    var rows = gridRows(grid);
    var names = byName(rows);
    var i, matched = 0;
    if (!columns) {
      for (i = 0; i < block.length; i++) { if (block[i].length > 1 && names[trim(block[i][0])]) { matched += 1; } }
      if (matched && matched >= Math.ceil(block.length / 2)) { columns = { name: 0, value: 1, note: 2 }; }
    }
    var filled = 0, skipped = [];
    if (columns && columns.name >= 0) {
      // The block names its indicators: each line goes to the row of its indicator.
      for (i = 0; i < block.length; i++) {
        var name = trim(block[i][columns.name]);
        var tr = names[name];
        if (!tr || !tr.querySelector("[data-col]")) { skipped.push(name || String(i + 1)); continue; }
        filled += fill(tr, 0, pick(block[i], columns));
      }
    } else {
      // Line by line from the focused row down, cell by cell from the focused column on.
      var start = rows.indexOf(target.closest("tr"));
      var startCol = columns ? 0 : parseInt(target.getAttribute("data-col"), 10);
      for (i = 0; i < block.length; i++) {
        var row = rows[start + i];
        if (!row) { skipped.push(String(i + 1)); continue; }
        if (!row.querySelector("[data-col]")) { skipped.push(row.getAttribute("data-name")); continue; }
        filled += fill(row, startCol, columns ? pick(block[i], columns) : block[i]);
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
