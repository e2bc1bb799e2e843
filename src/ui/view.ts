/** The sidebar's shared state (the server's state, the unsaved draft, the selected hook) and the small helpers every tab uses. */
import { errorText as fullErrorText } from '../core/errors';
import type { HookId } from '../core/hooks';
import type { HookSettings, Settings } from '../core/settings';
import type { HookState, SidebarState } from '../core/sidebar-api';

/** One object, so the tabs read and replace the same state; sidebar.ts fills in setState and refresh. */
export const ui = {
  state: null as SidebarState | null,
  draft: null as Settings | null,
  selected: 'contactCreated' as HookId,
  /** Shows a new server state everywhere (the draft starts again from it). */
  setState: (_next: SidebarState): void => undefined,
  /** Reads the server state again, keeping unsaved edits. */
  refresh: async (): Promise<void> => undefined,
};


export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the sidebar page`);
  return el as T;
}

export function message(id: string, text: string, kind: 'ok' | 'error' | 'busy' = 'ok'): void {
  const el = byId(id);
  el.textContent = text;
  el.className = `status ${kind}`;
}

/** The sidebar shows a failed call's whole message. */
export function errorText(err: unknown): string {
  return fullErrorText(err, Number.POSITIVE_INFINITY);
}

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function hookState(id: HookId): HookState {
  return ui.state!.hooks.find((hk) => hk.id === id)!;
}

/**
 * The ui.draft settings of the ui.selected hook, with every field it knows listed: the columns first, in
 * their order, then the fields kept in "Other fields". A field seen in deliveries gets a column when
 * the hook adds new fields as columns, as the deliveries did.
 */
export function draftHook(): HookSettings {
  const hook = ui.draft!.hooks[ui.selected];
  const columns = hook.columns ?? [];
  const listed = new Set(columns.map((c) => c.field));
  for (const f of hookState(ui.selected).fields) {
    if (!listed.has(f.path)) columns.push({ field: f.path, include: true, label: f.path, typing: 'auto', ...(hook.addNewFields ? {} : { inOtherFields: true }) });
  }
  hook.columns = [...columns.filter((c) => !c.inOtherFields), ...columns.filter((c) => c.inOtherFields)];
  return hook;
}

