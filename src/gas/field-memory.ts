/** Fields a hook has shown in real deliveries beyond its documented ones, remembered in script properties for the sidebar. */
import { META } from '../core/columns';
import { exampleFields, type HookDefinition, type HookId } from '../core/hooks';
import type { ScriptStore } from './store';

const SEEN_PREFIX = 'seen/';

/** Fields a hook has shown in real deliveries beyond its documented ones. */
export function seenFields(store: ScriptStore, id: HookId): string[] {
  return store.getJson<string[]>(SEEN_PREFIX + id) ?? [];
}

/** Fields in a delivery that neither the hook's documentation nor earlier deliveries had: remembered for the sidebar. */
export function rememberSeenFields(store: ScriptStore, hook: HookDefinition, paths: readonly string[]): void {
  const known = new Set([...exampleFields(hook), ...seenFields(store, hook.id)]);
  const fresh = paths.filter((p) => !known.has(p) && p !== META.otherFields);
  if (fresh.length === 0) return;
  const all = [...seenFields(store, hook.id), ...new Set(fresh)].slice(0, 500);
  store.setJson(SEEN_PREFIX + hook.id, all);
}
