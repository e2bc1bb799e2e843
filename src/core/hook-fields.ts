/** The fields the sidebar offers for a hook: documented first, each with a short example, then those seen in deliveries. */
import { flattenEvent } from './flatten';
import type { HookDefinition } from './hooks';
import type { FieldInfo } from './sidebar-api';

/** The longest example the sidebar shows whole; a longer one is cut short. */
const EXAMPLE_CHARS = 60;

/** Every field the sidebar offers for `hook`: its documented fields, then `seen` paths the documentation lacks (an older version may have stored one since documented). */
export function hookFieldInfos(hook: HookDefinition, seen: readonly string[]): FieldInfo[] {
  // The documented fields are the example's own, in its order (exampleFields flattens the same event).
  const documented: FieldInfo[] = flattenEvent(hook.example[0]).map((f) => ({
    path: f.path,
    example: examplePreview(f.value),
    seen: false,
  }));
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
