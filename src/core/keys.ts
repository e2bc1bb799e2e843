/**
 * Dedup keys and fingerprints. A row's key is stored as exact text in the sheet's "Row key" column
 * and found there with an entire-cell, case-sensitive search, so the same key must always produce
 * the same text: `5`, `"5"` and `5.0` are one key, while "+1234" and "007" stay as sent.
 */
import { fieldValue, type Field, type FieldValue } from './flatten';

/** Canonical text of one key part. */
export function keyPart(value: FieldValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return canonicalNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = value.trim();
  // Plain decimal numbers written as text ("5", "5.0", "45526") are the same key as the number.
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(text)) {
    const n = Number(text);
    if (Number.isSafeInteger(Math.trunc(n))) return canonicalNumber(n);
  }
  return text;
}

function canonicalNumber(n: number): string {
  return Object.is(n, -0) ? '0' : String(n);
}

/**
 * The row key for an event under the given key fields, or null when any key field is missing or empty
 * (such an event cannot be matched and is written as a new row, deduplicated by fingerprint only).
 */
export function rowKey(fields: readonly Field[], keyPaths: readonly string[]): string | null {
  if (keyPaths.length === 0) return null;
  const parts = keyPaths.map((p) => keyPart(fieldValue(fields, p)));
  if (parts.some((p) => p === '')) return null;
  return parts.length === 1 ? parts[0] : JSON.stringify(parts);
}

/** Longest row key searched and stored as is; a longer one (which could pass the cell limit or the search's) is hashed. */
export const MAX_KEY_CHARS = 1000;

/**
 * The text a row key is stored and searched as: itself, or for a key over MAX_KEY_CHARS a marked hash,
 * so the Row key cell says it was hashed and the same long key still finds its row.
 */
export function searchableKey(key: string, hash: (text: string) => string): string {
  return key.length <= MAX_KEY_CHARS ? key : `(hashed: a key of ${key.length} characters, SHA-256) ${hash(key)}`;
}

/**
 * Canonical JSON: object keys sorted, so the same content always gives the same text
 * (and the same fingerprint) whatever order the sender wrote the keys in.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (Object.prototype.toString.call(value) === '[object Object]') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
