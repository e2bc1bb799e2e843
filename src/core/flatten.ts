/** Flattening: one event (nested JSON) into an ordered list of dot-path fields with scalar values. */

/** A flattened value: what JSON can hold at a leaf. Arrays and deep objects arrive as JSON text. */
export type FieldValue = string | number | boolean | null;

/** One column's worth of an event. */
export interface Field {
  path: string;
  value: FieldValue;
}

/** Deeper objects than this are kept as compact JSON text in one cell. */
export const MAX_FLATTEN_DEPTH = 8;

/**
 * Flattens an event: nested objects become dot paths (`event.uuid`, `event.extended_assigned_to.1.name`),
 * arrays of scalars one text cell (`status, lastName`), other arrays compact JSON text.
 * Never assigns payload keys onto objects, so keys like `__proto__` are plain data.
 * A path that repeats (a key containing a dot colliding with a nested key) gets a ` #2` suffix (settleCollisions).
 */
export function flattenEvent(event: unknown, maxDepth: number = MAX_FLATTEN_DEPTH): Field[] {
  const fields: Field[] = [];
  /** The raw keys leading to each field, to settle colliding paths whatever the key order. */
  const keysOf: string[][] = [];
  const trail: string[] = [];
  const add = (path: string, value: FieldValue): void => {
    fields.push({ path, value });
    keysOf.push([...trail]);
  };
  const walk = (value: unknown, path: string, depth: number): void => {
    if (isPlainObject(value)) {
      const keys = Object.keys(value);
      if (keys.length === 0) {
        if (path) add(path, null);
        return;
      }
      if (depth >= maxDepth) {
        add(path, JSON.stringify(value));
        return;
      }
      for (const key of keys) {
        trail.push(key);
        walk((value as Record<string, unknown>)[key], path ? `${path}.${keyLabel(key)}` : keyLabel(key), depth + 1);
        trail.pop();
      }
      return;
    }
    if (!path) {
      // A top-level scalar or array: keep it whole under one column.
      add('value', leafValue(value));
      return;
    }
    add(path, leafValue(value));
  };
  walk(event, '', 0);
  return settleCollisions(fields, keysOf);
}

/**
 * Paths that repeat (a key containing a dot beside a nested key: `{"a.b":1,"a":{"b":2}}`) are told apart by
 * a rule that does not depend on key order: the field reached through more nesting levels keeps the plain
 * path (`a.b` = 2), the others get ` #2`, ` #3`, … in the order of their raw keys as JSON text (`a.b #2` = 1).
 */
function settleCollisions(fields: Field[], keysOf: readonly string[][]): Field[] {
  const byPath = new Map<string, number[]>();
  fields.forEach((f, i) => byPath.set(f.path, [...(byPath.get(f.path) ?? []), i]));
  for (const [path, indexes] of byPath) {
    const ranked = [...indexes].sort(
      (a, b) => keysOf[b].length - keysOf[a].length || compareText(JSON.stringify(keysOf[a]), JSON.stringify(keysOf[b])),
    );
    ranked.forEach((index, rank) => {
      fields[index] = { path: rank === 0 ? path : `${path} #${rank + 1}`, value: fields[index].value };
    });
  }
  return fields;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A key as it appears in a path; an empty key would vanish, so it gets a visible name. */
function keyLabel(key: string): string {
  return key === '' ? '(empty)' : key;
}

function leafValue(value: unknown): FieldValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return null;
    if (value.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) {
      return value.map((v) => (v === null ? '' : String(v))).join(', ');
    }
    return JSON.stringify(value);
  }
  return JSON.stringify(value);
}

/** True for `{...}` values (from any realm); false for arrays, null and scalars. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}

/** Looks up a dot path in a flattened event. */
export function fieldValue(fields: readonly Field[], path: string): FieldValue | undefined {
  for (const f of fields) if (f.path === path) return f.value;
  return undefined;
}
