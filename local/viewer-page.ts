/**
 * The workbook viewer the `npm start` server shows at `/`: the local workbook's sheets as tabs and a
 * grid, refreshed every two seconds from /api/sheets.
 */

/** The page's policy: its own nonce'd script and style only, and requests back to this server. */
export function viewerContentSecurityPolicy(nonce: string): string {
  return `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

/** The workbook viewer: self-contained, no external assets; cell text goes in via textContent only. */
export function viewerPage(nonce: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>iClosed leads — local workbook</title>
<style nonce="${nonce}">
  body { font-family: Arial, Helvetica, sans-serif; margin: 0; color: #202124; }
  header { padding: 10px 16px; border-bottom: 1px solid #dadce0; display: flex; gap: 16px; align-items: baseline; }
  header h1 { font-size: 16px; margin: 0; }
  #status { color: #5f6368; font-size: 12px; }
  #grid { overflow: auto; height: calc(100vh - 90px); }
  table { border-collapse: collapse; font-size: 13px; }
  th, td { border: 1px solid #e0e0e0; padding: 3px 6px; white-space: pre; max-width: 40em; overflow: hidden; text-overflow: ellipsis; vertical-align: top; }
  th { background: #f8f9fa; color: #5f6368; font-weight: normal; position: sticky; top: 0; }
  td.rownum { background: #f8f9fa; color: #5f6368; text-align: right; }
  #tabs { position: fixed; bottom: 0; left: 0; right: 0; background: #f8f9fa; border-top: 1px solid #dadce0; padding: 4px 8px; display: flex; gap: 4px; overflow-x: auto; }
  #tabs button { border: 1px solid transparent; background: none; padding: 6px 12px; cursor: pointer; font-size: 13px; }
  #tabs button[aria-selected="true"] { background: #fff; border-color: #dadce0; color: #188038; font-weight: bold; }
  .empty { padding: 16px; color: #5f6368; }
</style>
</head>
<body>
<header><h1>iClosed leads</h1><span id="status">loading…</span></header>
<div id="grid"></div>
<nav id="tabs" role="tablist"></nav>
<script nonce="${nonce}">
(function () {
  var current = null;
  var lastSheets = '';
  var lastValues = '';
  var grid = document.getElementById('grid');
  var tabs = document.getElementById('tabs');
  var status = document.getElementById('status');

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
  function cellText(v) {
    if (v === null || v === undefined) return '';
    return typeof v === 'string' ? v : String(v);
  }
  function renderTabs(names) {
    tabs.textContent = '';
    names.forEach(function (name) {
      var b = el('button', name);
      b.setAttribute('role', 'tab');
      b.setAttribute('aria-selected', String(name === current));
      b.addEventListener('click', function () { current = name; lastValues = ''; renderTabs(names); refresh(); });
      tabs.appendChild(b);
    });
  }
  function renderValues(values) {
    grid.textContent = '';
    if (!values.length) { grid.appendChild(el('div', 'This sheet is empty.', 'empty')); return; }
    var width = values.reduce(function (w, r) { return Math.max(w, r.length); }, 0);
    var table = el('table');
    var head = el('tr');
    head.appendChild(el('th', ''));
    for (var c = 0; c < width; c++) head.appendChild(el('th', columnName(c)));
    table.appendChild(head);
    values.forEach(function (row, r) {
      var tr = el('tr');
      tr.appendChild(el('td', String(r + 1), 'rownum'));
      for (var c = 0; c < width; c++) {
        var text = cellText(row[c]);
        var td = el('td', text);
        td.title = text;
        tr.appendChild(td);
      }
      table.appendChild(tr);
    });
    grid.appendChild(table);
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
      var key = JSON.stringify(names);
      if (current === null || names.indexOf(current) < 0) { current = names.length ? names[0] : null; lastValues = ''; }
      if (key !== lastSheets || tabs.childNodes.length !== names.length) { lastSheets = key; renderTabs(names); }
      if (current === null) { grid.textContent = ''; grid.appendChild(el('div', 'No sheets yet.', 'empty')); return; }
      return getJson('/api/sheets/' + encodeURIComponent(current)).then(function (d) {
        var shown = d.displayValues || d.values || [];
        var vkey = JSON.stringify(shown);
        if (vkey !== lastValues) { lastValues = vkey; renderValues(shown); }
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
