/** The fields the sidebar offers for a hook: documented first, each with a short example, then those seen in deliveries. */
import { flattenEvent } from './flatten';
import { exampleFields, type HookDefinition } from './hooks';
import type { FieldInfo } from './sidebar-api';

/** The longest example the sidebar shows whole; a longer one is cut short. */
const EXAMPLE_CHARS = 60;

/** Every field the sidebar offers for `hook`: its documented fields, then `seen` paths the documentation lacks (an older version may have stored one since documented). */
export function hookFieldInfos(hook: HookDefinition, seen: readonly string[]): FieldInfo[] {
  const example = new Map(flattenEvent(hook.example[0]).map((f) => [f.path, f.value]));
  const documented: FieldInfo[] = exampleFields(hook).map((path) => ({ path, example: examplePreview(example.get(path)), seen: false }));
  const known = new Set(documented.map((f) => f.path));
  const extra = seen.filter((p) => !known.has(p)).map((path) => ({ path, example: '', seen: true }));
  return [...documented, ...extra];
}

/** A documented example as the sidebar shows it: empty for none, cut with an ellipsis past EXAMPLE_CHARS. */
export function examplePreview(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return text.length > EXAMPLE_CHARS ? `${text.slice(0, EXAMPLE_CHARS - 3)}…` : text;
}
