/** The Pipeline sheet's row: a lead's status, its columns in order, and reading its state cell back. */
import type { FieldValue } from './flatten';
import { currentCall, emptyState, LEAD_KEYS_LABEL, LEAD_STATE_LABEL, stampTime, type CallInfo, type LeadState } from './pipeline';
import type { Typing } from './values';

const CALL_LABELS: Record<CallInfo['state'], string> = { booked: 'Call booked', rescheduled: 'Rescheduled', cancelled: 'Call cancelled' };

/** Text for an iClosed code: SALE → Sale, NO_SALE → No sale, STRATEGY_CALL_BOOKED → Strategy call booked. */
export function codeLabel(code: string): string {
  const words = code.replace(/_/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The current status. An outcome or call speaks for the lead over its contact status (iClosed keeps
 * a contact at "call booked" after its outcome, so a later contact update must not move it back);
 * between outcome and call, the newer wins (a call booked after a no-sale follow-up shows again).
 */
export function statusOf(s: LeadState): string {
  if (s.outcome && (!s.call || (s.t.outcome ?? '') >= (s.t.call ?? ''))) return codeLabel(s.outcome.outcome);
  const call = currentCall(s);
  if (call) return CALL_LABELS[call.state];
  if (s.status) return /CALL_BOOKED$/.test(s.status) ? 'Call booked' : codeLabel(s.status);
  return '';
}

/** The time of the newest event that changed anything: event times only, so redeliveries leave it alone. */
export function lastChange(s: LeadState): string | null {
  let max = '';
  for (const stamp of Object.values(s.t)) if (stamp > max) max = stamp;
  return max ? new Date(stampTime(max)).toISOString() : null;
}

const count = (s: LeadState, prefix: string): number => s.counted.filter((k) => k.startsWith(prefix)).length;

/** One column of the Pipeline sheet. */
export interface PipelineColumn {
  label: string;
  typing: Typing;
  value(s: LeadState): FieldValue;
}

const col = (label: string, typing: Typing, value: (s: LeadState) => FieldValue | undefined): PipelineColumn => ({
  label,
  typing,
  value: (s) => value(s) ?? null,
});

/** The Pipeline's columns, in the order a new sheet gets them. Found by header label, like every sheet's. */
export const PIPELINE_COLUMNS: readonly PipelineColumn[] = [
  col('Contact id', 'auto', (s) => s.v.contactId),
  col('Preview link', 'text', (s) => s.v.previewUrl),
  col('Name', 'text', (s) => s.v.name),
  col('Email', 'text', (s) => s.v.email),
  col('Phone', 'text', (s) => s.v.phone),
  col('Status', 'text', (s) => statusOf(s)),
  col('First UTM source', 'text', (s) => s.v.firstSource),
  col('First UTM medium', 'text', (s) => s.v.firstMedium),
  col('First UTM campaign', 'text', (s) => s.v.firstCampaign),
  col('Latest UTM source', 'text', (s) => s.v.source),
  col('Latest UTM medium', 'text', (s) => s.v.medium),
  col('Latest UTM campaign', 'text', (s) => s.v.campaign),
  col('Created at', 'date', (s) => s.created),
  col('Call start', 'date', (s) => currentCall(s)?.start),
  col('Closer', 'text', (s) => currentCall(s)?.closer),
  col('Setter', 'text', (s) => currentCall(s)?.setter),
  col('Cancelled', 'auto', (s) => currentCall(s)?.state === 'cancelled'),
  col('Times cancelled', 'auto', (s) => count(s, 'c:')),
  col('Rescheduled', 'auto', (s) => count(s, 'r:') > 0),
  col('Times rescheduled', 'auto', (s) => count(s, 'r:')),
  col('Outcome', 'text', (s) => (s.outcome ? codeLabel(s.outcome.outcome) : null)),
  col('Outcome reason', 'text', (s) => s.outcome?.reason),
  col('Objection', 'text', (s) => s.outcome?.objection),
  col('Product', 'text', (s) => s.outcome?.product),
  col('Deal value', 'auto', (s) => s.outcome?.value),
  col('Qualified', 'auto', (s) => s.qualified),
  col('Booked', 'auto', (s) => s.booked),
  col('Last change', 'date', (s) => lastChange(s)),
  col(LEAD_KEYS_LABEL, 'text', (s) => s.keys.join(' ')),
  col(LEAD_STATE_LABEL, 'text', (s) => JSON.stringify(s)),
];

export const PIPELINE_LABELS: readonly string[] = PIPELINE_COLUMNS.map((c) => c.label);

/** Reads a Lead state cell; null when it is empty or not a state. */
export function parseState(text: unknown): LeadState | null {
  if (typeof text !== 'string' || !text.startsWith('{')) return null;
  try {
    const raw = JSON.parse(text) as Partial<LeadState>;
    if (!raw || !Array.isArray(raw.keys)) return null;
    return {
      ...emptyState(),
      ...raw,
      v: { ...(raw.v ?? {}) },
      t: { ...(raw.t ?? {}) },
      counted: Array.isArray(raw.counted) ? raw.counted : [],
    };
  } catch {
    return null;
  }
}
