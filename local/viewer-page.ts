/**
 * The workbook viewer the `npm start` server shows at `/`: the local workbook read like Google Sheets
 * (displayed values, one-line rows, sticky headers, a tab strip), refreshed every two seconds from /api/sheets.
 */

/** The page's policy: its own nonce'd script and style only, its icon, and requests back to this server. */
export function viewerContentSecurityPolicy(nonce: string): string {
  return `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Height of one grid row in px (Sheets' default row height is 21 px). */
export const ROW_HEIGHT_PX = 21;

/**
 * The workbook viewer, titled with the spreadsheet's name: self-contained, no external assets; cell
 * text goes in via textContent only.
 */
export function viewerPage(nonce: string, spreadsheetName: string): string {
  const title = escapeHtml(spreadsheetName);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style nonce="${nonce}">
  html, body { height: 100%; }
  body { font-family: Arial, Helvetica, sans-serif; margin: 0; color: #202124; display: flex; flex-direction: column; }
  header { padding: 8px 16px; display: flex; gap: 16px; align-items: baseline; flex: none; }
  header h1 { font-size: 18px; font-weight: normal; margin: 0; }
  #status { color: #5f6368; font-size: 12px; }
  #bar { display: flex; border-top: 1px solid #dadce0; border-bottom: 1px solid #dadce0; font-size: 13px; flex: none; }
  #ref { width: 72px; flex: none; padding: 4px 8px; border-right: 1px solid #dadce0; color: #5f6368; }
  #full { flex: 1; padding: 4px 8px; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 6.5em; overflow: auto; font-family: inherit; margin: 0; min-height: 1.2em; }
  #grid { overflow: auto; flex: 1; min-height: 0; background: #fff; }
  table { border-collapse: separate; border-spacing: 0; font-size: 13px; table-layout: fixed; }
  th, td { height: ${ROW_HEIGHT_PX - 1}px; max-height: ${ROW_HEIGHT_PX - 1}px; line-height: ${ROW_HEIGHT_PX - 5}px; padding: 2px 4px; border-right: 1px solid #e2e3e3; border-bottom: 1px solid #e2e3e3;
           white-space: nowrap; overflow: hidden; text-overflow: clip; box-sizing: border-box; }
  td { cursor: cell; }
  /* Text spills over empty cells to its right, as in Sheets; the inner span clips it at the next filled cell. */
  td.spill { overflow: visible; position: relative; }
  td.spill span { display: block; overflow: hidden; position: relative; z-index: 0; }
  #full:empty::before { content: 'Click a cell to see its full text here.'; color: #80868b; }
  td.right { text-align: right; }
  td.center { text-align: center; }
  td.selected { outline: 2px solid #1a73e8; outline-offset: -2px; }
  th { background: #f8f9fa; color: #5f6368; font-weight: normal; font-size: 11px; text-align: center; position: sticky; top: 0; z-index: 2; }
  th.rownum, td.rownum { position: sticky; left: 0; background: #f8f9fa; color: #5f6368; font-size: 11px; text-align: center; z-index: 1; cursor: default; }
  th.rownum { z-index: 3; }
  tr.frozen td { position: sticky; top: ${ROW_HEIGHT_PX}px; z-index: 1; background: #fff; font-weight: bold; border-bottom: 2px solid #c0c0c0; }
  tr.frozen td.rownum { z-index: 3; }
  #tabs { flex: none; background: #f8f9fa; border-top: 1px solid #dadce0; padding: 0 8px; display: flex; flex-wrap: nowrap; gap: 2px; overflow-x: auto; overflow-y: hidden; white-space: nowrap; }
  #tabs button { flex: none; white-space: nowrap; border: none; border-bottom: 3px solid transparent; background: none; padding: 8px 14px 5px; cursor: pointer; font-size: 13px; color: #444746; font-family: inherit; }
  #tabs button:hover { background: #eceff1; }
  #tabs button[aria-selected="true"] { background: #e1f0e6; border-bottom-color: #188038; color: #188038; font-weight: bold; }
  .empty { padding: 16px; color: #5f6368; }
</style>
</head>
<body>
<header><h1 id="name">${title}</h1><span id="status">loading…</span></header>
<div id="bar"><span id="ref"></span><pre id="full"></pre></div>
<div id="grid"></div>
<nav id="tabs" role="tablist"></nav>
<script nonce="${nonce}">
(function () {
  var current = null;
  var chosen = false;
  var lastSheets = '';
  var lastValues = '';
  var selected = null;
  var grid = document.getElementById('grid');
  var tabs = document.getElementById('tabs');
  var status = document.getElementById('status');
  var ref = document.getElementById('ref');
  var full = document.getElementById('full');
  var heading = document.getElementById('name');

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function columnName(i) {
    var s = '';
    for (i = i + 1; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s;
    return s;
  }
  function select(td, a1, text) {
    if (selected) selected.classList.remove('selected');
    selected = td;
    if (td) td.classList.add('selected');
    ref.textContent = a1 || '';
    full.textContent = text || '';
  }
  /** Switches the grid to another sheet, from its top-left corner. */
  function show(name) {
    current = name;
    lastValues = '';
    select(null);
    grid.scrollTop = 0;
    grid.scrollLeft = 0;
  }
  function renderTabs(names) {
    tabs.textContent = '';
    names.forEach(function (name) {
      var b = el('button', name);
      b.setAttribute('role', 'tab');
      b.setAttribute('aria-selected', String(name === current));
      b.addEventListener('click', function () { chosen = true; show(name); renderTabs(names); refresh(); });
      tabs.appendChild(b);
    });
    var active = tabs.querySelector('[aria-selected="true"]');
    if (active && active.scrollIntoView) active.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }
  /** Column widths from the longest displayed text among the first rows, within Sheets-like bounds. */
  function widths(shown, width) {
    var out = [];
    for (var c = 0; c < width; c++) {
      var longest = 0;
      for (var r = 0; r < shown.length && r < 200; r++) {
        var n = (shown[r][c] || '').length;
        if (n > longest) longest = n;
      }
      out.push(Math.max(64, Math.min(260, longest * 7 + 12)));
    }
    return out;
  }
  function renderValues(d) {
    // A refresh keeps the selected cell (the scroll position stays: the grid is replaced within one task, before any layout).
    var keep = selected ? ref.textContent : '';
    grid.textContent = '';
    selected = null;
    var shown = d.displayValues || [];
    if (d.empty || !shown.length) { grid.appendChild(el('div', 'This sheet is empty.', 'empty')); return; }
    var align = d.alignments || [];
    var width = shown.reduce(function (w, r) { return Math.max(w, r.length); }, 0);
    var table = el('table');
    var colWidths = widths(shown, width);
    var cols = el('colgroup');
    var first = el('col');
    first.style.width = '46px';
    cols.appendChild(first);
    colWidths.forEach(function (w) { var col = el('col'); col.style.width = w + 'px'; cols.appendChild(col); });
    table.appendChild(cols);
    var head = el('tr');
    head.appendChild(el('th', '', 'rownum'));
    for (var c = 0; c < width; c++) head.appendChild(el('th', columnName(c)));
    table.appendChild(head);
    shown.forEach(function (row, r) {
      var tr = el('tr', undefined, r < (d.frozenRows || 0) ? 'frozen' : '');
      tr.appendChild(el('td', String(r + 1), 'rownum'));
      for (var c = 0; c < width; c++) {
        var text = row[c] === undefined || row[c] === null ? '' : String(row[c]);
        var a = (align[r] || [])[c];
        var td = el('td', undefined, a === 'right' || a === 'center' ? a : '');
        var room = colWidths[c];
        for (var k = c + 1; a !== 'right' && a !== 'center' && text && k < width && !row[k]; k++) room += colWidths[k];
        if (room > colWidths[c]) {
          var span = el('span', text);
          span.style.width = (room - 9) + 'px';
          td.appendChild(span);
          td.classList.add('spill');
        } else td.textContent = text;
        if (text) td.title = text;
        (function (td, a1, text) {
          td.addEventListener('click', function () { select(td, a1, text); });
          if (a1 === keep) select(td, a1, text);
        })(td, columnName(c) + (r + 1), text);
        tr.appendChild(td);
      }
      table.appendChild(tr);
    });
    table.style.width = (46 + colWidths.reduce(function (s, w) { return s + w; }, 0)) + 'px';
    grid.appendChild(table);
    if (shown.length <= (d.frozenRows || 0)) grid.appendChild(el('div', 'No rows yet. The terminal running npm start shows a curl line that sends an example delivery.', 'empty'));
  }
  function getJson(url) {
    return fetch(url, { cache: 'no-store' }).then(function (r) {
      if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
      return r.json();
    });
  }
  function refresh() {
    return getJson('/api/sheets').then(function (data) {
      var names = data.sheets || [];
      if (data.spreadsheet) { document.title = data.spreadsheet; heading.textContent = data.spreadsheet; }
      // Follow the sheet that changed last until a tab is chosen by hand.
      var want = !chosen && data.lastChanged ? data.lastChanged : current;
      if (want === null || names.indexOf(want) < 0) { want = data.lastChanged || (names.length ? names[0] : null); chosen = false; }
      if (want !== current) show(want);
      var key = JSON.stringify([names, current]);
      if (key !== lastSheets || tabs.childNodes.length !== names.length) { lastSheets = key; renderTabs(names); }
      if (current === null) { grid.textContent = ''; grid.appendChild(el('div', 'No sheets yet.', 'empty')); return; }
      return getJson('/api/sheets/' + encodeURIComponent(current)).then(function (d) {
        var vkey = JSON.stringify([d.displayValues, d.frozenRows]);
        if (vkey !== lastValues) { lastValues = vkey; renderValues(d); }
      });
    }).then(function () {
      status.textContent = 'updated ' + new Date().toLocaleTimeString();
    }, function (err) {
      status.textContent = 'not reachable (' + err.message + '), retrying…';
    });
  }
  refresh();
  setInterval(refresh, 2000);
})();
</script>
</body>
</html>
`;
}
