/** The write plan: what happens to one event on its sheet, from the write mode and what the sheet holds. */
import type { WriteMode } from './hooks';

/** Outcomes reported per event and in the webhook log. */
export type Outcome = 'appended' | 'updated' | 'skipped' | 'stale' | 'duplicate' | 'queued' | 'unrouted' | 'failed';

/** The step for one event. */
export type Step = 'append' | 'update' | 'skip' | 'duplicate';

/**
 * Decides the step. A fingerprint already on the sheet means this exact event was written before
 * (a retry or a replay): nothing is written in any mode, append included. Otherwise a key match
 * updates (upsert) or skips (insert-if-new); no match, no key or append mode adds a row.
 */
export function decideStep(mode: WriteMode, fingerprintSeen: boolean, keyRow: number | null): Step {
  if (fingerprintSeen) return 'duplicate';
  if (mode === 'append' || keyRow === null) return 'append';
  return mode === 'upsert' ? 'update' : 'skip';
}

/** The step for one event of a delivery, whose earlier events may be adding a row that is not on the sheet yet. */
export type BatchStep = Step | 'merge';

/**
 * Decides the step within one delivery. An event whose key matches a row an earlier event of the same
 * delivery is adding, and whose content was not seen, merges into that row (upsert) or skips
 * (insert-if-new); otherwise the sheet decides, as in decideStep.
 */
export function decideBatchStep(mode: WriteMode, fingerprintSeen: boolean, keyRow: number | null, keyPending: boolean): BatchStep {
  if (keyPending && !fingerprintSeen) return mode === 'upsert' ? 'merge' : 'skip';
  return decideStep(mode, fingerprintSeen, keyRow);
}

const SEVERITY: Outcome[] = ['failed', 'queued', 'unrouted', 'appended', 'updated', 'skipped', 'stale', 'duplicate'];

/** The outcome that stands for a whole delivery in the webhook log: the most serious of its events'. */
export function deliveryOutcome(outcomes: readonly Outcome[]): Outcome {
  for (const o of SEVERITY) if (outcomes.includes(o)) return o;
  return 'failed';
}

/** Outcomes whose deliveries can be replayed; these log rows are never trimmed. */
export const REPLAYABLE: readonly Outcome[] = ['failed', 'queued', 'unrouted'];

/** Fingerprints kept per row: enough to recognise any recent redelivery of an event applied to it. */
export const MAX_FINGERPRINTS_PER_ROW = 20;

/**
 * A row's "Fingerprint" cell: the version of the event that last wrote the row (`v:…`, see
 * eventVersion in pipeline.ts), then the fingerprints of the events applied to it, space-separated.
 * Adds a fingerprint (keeping the newest MAX_FINGERPRINTS_PER_ROW) and sets the version when given.
 */
export function addFingerprint(cell: string, fingerprint: string, version: string | null = null): string {
  const tokens = cell.split(/\s+/).filter(Boolean);
  const kept = version === null ? tokens.find((t) => t.startsWith('v:')) : `v:${version}`;
  const all = tokens.filter((t) => !t.startsWith('v:') && t !== fingerprint);
  all.push(fingerprint);
  return [...(kept ? [kept] : []), ...all.slice(-MAX_FINGERPRINTS_PER_ROW)].join(' ');
}

/** The version recorded in a "Fingerprint" cell, or null. */
export function cellVersion(cell: string): string | null {
  const token = cell.split(/\s+/).find((t) => t.startsWith('v:'));
  return token ? token.slice(2) : null;
}

/** True when an event of version `incoming` is older than the version that wrote the row: it must not overwrite it. */
export function isStale(incoming: string | null, current: string | null): boolean {
  return incoming !== null && current !== null && incoming < current;
}

/** A short summary such as "2 appended, 1 duplicate". */
export function summarize(outcomes: readonly Outcome[]): string {
  const counts = new Map<Outcome, number>();
  for (const o of outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
  return [...counts.entries()].map(([o, n]) => `${n} ${o}`).join(', ');
}
