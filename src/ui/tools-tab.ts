/** The Activity and Tools tabs: test deliveries, the latest deliveries with replay, the self-test, the pipeline switch and rebuild. */
import type { HookId } from '../core/hooks';
import { fill, h, shortWhen, when } from './dom';
import { server } from './rpc';
import { selfTestView } from './self-test-view';
import { byId, errorText, message, ui } from './view';

const REPLAY_BATCH = 10;
// ---- Test deliveries, activity, self-test ------------------------------------------------------

export function renderTests(): void {
  const buttons = ui.state!.hooks.map((hk) => {
    const b = h('button', { type: 'button', 'data-hook': hk.id }, hk.name);
    b.addEventListener('click', () => void sendTest(hk.id, hk.name));
    return b;
  });
  fill(byId('test-buttons'), ...buttons);
}

export async function sendTest(id: HookId, name: string): Promise<void> {
  message('test-status', `Sending the example ${name} delivery…`, 'busy');
  try {
    const r = await server.sendTestDelivery(id);
    message('test-status', `${name}: ${r.action}${r.sheet ? ` in "${r.sheet}"` : ''}${r.row ? `, row ${r.row}` : ''}. ${r.message}`, r.ok ? 'ok' : 'error');
    await ui.refresh();
  } catch (err) {
    message('test-status', errorText(err), 'error');
  }
}

export function renderActivity(): void {
  // Three columns fit 300px: time and outcome never wrap inside a word; the hook, where it went and the message share the third.
  const rows = ui.state!.activity.map((a) =>
    h(
      'tr',
      { className: a.replayable ? 'replayable' : '' },
      h('td', { className: 'nowrap', title: when(a.receivedAt) }, shortWhen(a.receivedAt)),
      h('td', { className: 'outcome' }, a.outcome),
      h(
        'td',
        { className: 'message' },
        h('span', { className: 'hook' }, a.hook || '—'),
        a.sheet ? h('span', { className: 'detail' }, `→ ${a.sheet}${a.row ? ` #${a.row}` : ''}`) : null,
        a.message ? h('span', { className: 'detail' }, readableTimes(a.message)) : null,
      ),
    ),
  );
  fill(
    byId('activity'),
    rows.length
      ? h('table', { id: 'activity-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'Outcome'), h('th', {}, 'Delivery'))), h('tbody', {}, ...rows))
      : h('p', { className: 'hint' }, 'No deliveries yet. Send a test delivery from Tools, or connect iClosed.'),
  );
  const replayable = ui.state!.activity.filter((a) => a.replayable).length;
  byId<HTMLButtonElement>('replay').disabled = replayable === 0 && ui.state!.queued === 0;
}

/** ISO timestamps in log messages ("Replayed at 2026-…Z.") as short local times, which also keeps them from wrapping at their dashes. */
export function readableTimes(text: string): string {
  return text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z/g, (iso) => shortWhen(iso));
}

export async function replayAll(): Promise<void> {
  const button = byId<HTMLButtonElement>('replay');
  button.disabled = true;
  let after = 0;
  let done = 0;
  try {
    for (;;) {
      message('replay-status', `Replaying… ${done} done`, 'busy');
      const r = await server.replayDeliveries({ limit: REPLAY_BATCH, after });
      done += r.replayed;
      after = r.lastRow;
      if (r.remaining === 0 || r.replayed === 0) break;
      message('replay-status', `Replaying… ${done} done, ${r.remaining} to go`, 'busy');
    }
    message('replay-status', `Replayed ${done} deliveries.`);
    await ui.refresh();
  } catch (err) {
    message('replay-status', errorText(err), 'error');
  } finally {
    button.disabled = false;
  }
}

export async function selfTest(): Promise<void> {
  message('selftest-status', 'Running the self-test on a scratch sheet…', 'busy');
  try {
    const report = await server.runSelfTest();
    message('selftest-status', '');
    fill(byId('selftest-report'), ...selfTestView(report));
  } catch (err) {
    message('selftest-status', errorText(err), 'error');
  }
}

// ---- Pipeline ---------------------------------------------------------------------------------

export const REBUILD_BATCH = 500;

/** The switch saves at once, with the saved settings (not the form's unsaved column edits). */
export async function setPipeline(enabled: boolean): Promise<void> {
  message('pipeline-status', 'Saving…', 'busy');
  try {
    const result = await server.saveSettings({ ...ui.state!.settings, pipeline: { enabled } });
    if (!result.ok) {
      message('pipeline-status', result.error, 'error');
      return;
    }
    ui.state = result.state;
    ui.draft!.pipeline = { enabled };
    message('pipeline-status', enabled ? 'On: every delivery updates Pipeline and Funnel.' : 'Off: Pipeline and Funnel stay as they are.');
  } catch (err) {
    message('pipeline-status', errorText(err), 'error');
  }
}

export async function rebuild(): Promise<void> {
  const button = byId<HTMLButtonElement>('rebuild');
  button.disabled = true;
  try {
    let r = await server.rebuildPipeline({ restart: true, limit: REBUILD_BATCH });
    while (!r.done) {
      message('pipeline-status', `Rebuilding… ${r.processed} rows read, about ${r.remaining} to go`, 'busy');
      r = await server.rebuildPipeline({ limit: REBUILD_BATCH });
    }
    message('pipeline-status', r.message);
  } catch (err) {
    message('pipeline-status', errorText(err), 'error');
  } finally {
    button.disabled = false;
  }
}

