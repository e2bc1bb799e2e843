/**
 * The sidebar (browser): its tabs, loading the state, and the buttons wired to each tab's module (connection-tab.ts,
 * hook-tab.ts, tools-tab.ts; shared state in view.ts).
 * build.mjs bundles it as an IIFE and inlines it into dist/Sidebar.html. All data is rendered as text.
 */
import type { SidebarState } from '../core/sidebar-api';
import { server } from './rpc';
import { renderConnection } from './connection-tab';
import { addKeyField, applySearch, renderHookPicker, renderHookSettings, resetHook, save } from './hook-tab';
import { rebuild, renderActivity, renderTests, replayAll, selfTest, setPipeline } from './tools-tab';
import { byId, clone, errorText, message, ui } from './view';

const TABS = ['connection', 'sheets', 'activity', 'tools'] as const;
type Tab = (typeof TABS)[number];

// ---- Tabs -------------------------------------------------------------------------------------

function showTab(tab: Tab): void {
  for (const t of TABS) {
    const button = byId(`tab-${t}`);
    button.setAttribute('aria-selected', String(t === tab));
    button.tabIndex = t === tab ? 0 : -1;
    byId(`panel-${t}`).hidden = t !== tab;
  }
}

function setUpTabs(): void {
  TABS.forEach((t, i) => {
    const button = byId(`tab-${t}`);
    button.addEventListener('click', () => showTab(t));
    // Arrow keys move between tabs, as in any tab list.
    button.addEventListener('keydown', (ev) => {
      if (ev.key !== 'ArrowRight' && ev.key !== 'ArrowLeft') return;
      const next = TABS[(i + (ev.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
      showTab(next);
      byId(`tab-${next}`).focus();
    });
  });
}

// ---- Start ------------------------------------------------------------------------------------

function setState(next: SidebarState): void {
  ui.state = next;
  ui.draft = clone(next.settings);
  renderConnection();
  renderHookPicker();
  renderHookSettings();
  renderTests();
  renderActivity();
  byId<HTMLInputElement>('pipeline-enabled').checked = next.settings.pipeline.enabled;
  byId('version').textContent = `v${next.version}`;
}

async function refresh(): Promise<void> {
  const next = await server.getSidebarState();
  // Keep unsaved edits in the form; refresh the rest.
  const keepDraft = ui.draft;
  ui.state = next;
  ui.draft = keepDraft ?? clone(next.settings);
  renderConnection();
  renderActivity();
}

async function start(): Promise<void> {
  ui.setState = setState;
  ui.refresh = refresh;
  setUpTabs();
  byId('column-search').addEventListener('input', applySearch);
  byId('add-key').addEventListener('click', addKeyField);
  byId('save').addEventListener('click', () => void save());
  byId('reset').addEventListener('click', resetHook);
  byId('replay').addEventListener('click', () => void replayAll());
  byId('selftest').addEventListener('click', () => void selfTest());
  byId<HTMLInputElement>('pipeline-enabled').addEventListener('change', (ev) => void setPipeline((ev.target as HTMLInputElement).checked));
  byId('rebuild').addEventListener('click', () => void rebuild());
  try {
    ui.setState(await server.getSidebarState());
    byId('app').setAttribute('data-ready', 'true');
  } catch (err) {
    message('load-status', `Could not load the settings: ${errorText(err)}`, 'error');
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void start());
else void start();
