/** The Connection tab: the webhook URL and token, rotation, per-hook counts, refusals and the capacity forecast. */
import { OPEN_SIDEBAR_PATH } from '../core/menu';
import { capacityView } from './capacity';
import { fill, h, shortWhen, when } from './dom';
import { server } from './rpc';
import { byId, errorText, message, ui } from './view';

// ---- Connection -------------------------------------------------------------------------------

export function renderConnection(): void {
  const s = ui.state!;
  const panel = byId('connection');
  if (!s.webhook) {
    fill(panel, h('p', {}, `The webhook is not set up yet. Close this sidebar and choose ${OPEN_SIDEBAR_PATH} again.`));
    return;
  }
  const hook = s.webhook;
  const url = hook.url;
  const parts: Array<Node | null> = [];
  // A /dev URL, a Workspace form or another deployment: shown above the URL, with its fix.
  if (hook.urlWarning) parts.push(h('p', { id: 'url-warning', className: 'status error', role: 'alert' }, hook.urlWarning));
  if (url) {
    const input = h('input', { id: 'webhook-url', type: 'text', readonly: true, value: url, 'aria-label': 'Webhook URL' });
    const copy = h('button', { type: 'button', id: 'copy-url' }, 'Copy');
    copy.addEventListener('click', () => copyText(input, 'connection-status'));
    parts.push(h('label', { for: 'webhook-url' }, 'In iClosed, open Settings → Developer and paste this URL:'), h('div', { className: 'row' }, input, copy));
    if (hook.urlSource === 'apps-script') {
      parts.push(h('p', { id: 'url-source', className: 'hint' }, 'This URL is the one Apps Script reports; npm run deploy records the deployment\'s own URL and shows that instead.'));
    }
  } else {
    const token = h('input', { id: 'webhook-token', type: 'text', readonly: true, value: hook.token, 'aria-label': 'Webhook token' });
    const copy = h('button', { type: 'button', id: 'copy-token' }, 'Copy token');
    copy.addEventListener('click', () => copyText(token, 'connection-status'));
    parts.push(
      h('p', {}, 'There is no web app URL (…/exec) to give iClosed yet. To get one:'),
      h(
        'ol',
        {},
        h('li', {}, 'Run npm run deploy from the project folder; or, by hand: Extensions → Apps Script, then Deploy → New deployment.'),
        h('li', {}, 'Select type: Web app. Execute as: Me. Who has access: Anyone.'),
        h('li', {}, 'Deploy, authorise, and copy the web app URL (it ends in /exec).'),
        h('li', {}, 'Reopen this sidebar: the full URL with its token appears here.'),
      ),
      h('label', { for: 'webhook-token' }, 'Your token (the URL will end in ?token=…):'),
      h('div', { className: 'row' }, token, copy),
    );
  }
  const rotate = h('button', { type: 'button', id: 'rotate-token' }, 'Rotate token');
  rotate.addEventListener('click', () => void rotateToken());
  parts.push(
    h('div', { className: 'row' }, rotate),
    hook.previousTokenExpiresAt ? h('p', { className: 'hint' }, `The previous token keeps working until ${when(hook.previousTokenExpiresAt)}.`) : null,
    h('p', { id: 'connection-status', className: 'status', role: 'status' }),
  );
  fill(panel, ...parts);

  const rows = s.hooks.map((hk) => h('tr', {}, h('td', {}, hk.name), h('td', { className: 'nowrap' }, shortWhen(hk.lastDeliveryAt)), h('td', { className: 'num' }, String(hk.deliveriesToday))));
  fill(
    byId('hook-stats'),
    h('table', { id: 'hook-stats-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'Hook'), h('th', {}, 'Last'), h('th', { className: 'num' }, 'Today'))), h('tbody', {}, ...rows)),
    h('p', { className: 'hint' }, `${s.queued} queued · ${s.refusedToday} refused today (wrong or missing token)`),
    s.cells.warning ? h('p', { id: 'cell-warning', className: 'status error', role: 'alert' }, s.cells.warning) : null,
    capacityView(s.cells.forecast),
  );
}

export function copyText(input: HTMLInputElement, statusId: string): void {
  input.select();
  const done = () => message(statusId, 'Copied.');
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(input.value).then(done, () => {
      document.execCommand('copy');
      done();
    });
  } else {
    document.execCommand('copy');
    done();
  }
}

export async function rotateToken(): Promise<void> {
  if (!window.confirm('Rotate the webhook token? The old URL keeps working for 24 hours; update iClosed with the new one.')) return;
  message('connection-status', 'Rotating…', 'busy');
  try {
    const webhook = await server.rotateToken();
    ui.state!.webhook = webhook;
    renderConnection();
    message('connection-status', 'New token made. Paste the new URL into iClosed.');
  } catch (err) {
    message('connection-status', errorText(err), 'error');
  }
}

