/** Writing events through the built bundle: fingerprint cells, the nesting limit, stale answers, and failed searches or writes reported per event. */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../src/core/keys';
import { MAX_NESTING } from '../src/core/delivery';
import { GasException } from '../local/runtime/errors';
import { RangeImpl } from '../local/runtime/range';
import { TextFinderImpl } from '../local/runtime/textfinder';
import { payload, startApp } from './helpers/harness';

/** A call-booked event with its own uuid (the hook's key). */
function callBooked(uuid: string, extra: Record<string, unknown> = {}): Record<string, any> {
  const p = payload('call-booked')[0];
  return { ...p, ...extra, event: { ...p.event, uuid } };
}

/** An object nesting `levels` deep: {d:{d:…{d:1}}}. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i += 1) value = { d: value };
  return value;
}

const STALE = "The row holds a newer version of this record (by the event's own time): not overwritten.";

describe('the Fingerprint cell', () => {
  it("records the event's fingerprint: the first 128 bits of the SHA-256 of its canonical JSON, base64url without padding", () => {
    const h = startApp();
    const event = callBooked('fp-1');
    expect(h.post(event).results[0]).toMatchObject({ action: 'appended', row: 2 });
    const expected = createHash('sha256').update(canonicalJson(event), 'utf8').digest().subarray(0, 16).toString('base64url');
    expect(expected).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const tokens = String(h.rows('Call booked')[0].Fingerprint).split(' ');
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toMatch(/^v:/);
    expect(tokens[1]).toBe(expected);
  });
});

describe('the nesting limit', () => {
  it(`an event nesting exactly ${MAX_NESTING} levels is written; one level more is refused and kept in the Webhook log only`, () => {
    const h = startApp();
    // The event object is one level, its "deep" field the rest.
    const atLimit = callBooked('deep-ok', { deep: nested(MAX_NESTING - 1) });
    const overLimit = callBooked('deep-no', { deep: nested(MAX_NESTING) });
    const res = h.post([atLimit, overLimit]);
    expect(res.results).toEqual([
      { hook: 'Call booked', sheet: 'Call booked', action: 'appended', row: 2 },
      {
        hook: 'Call booked',
        sheet: '',
        action: 'failed',
        row: null,
        message: `The event nests deeper than ${MAX_NESTING} levels; it is kept in the Webhook log only.`,
      },
    ]);
    expect(h.rows('Call booked').map((r) => r['Row key'])).toEqual(['deep-ok']);
    expect(h.rows('Webhook log').map((r) => [r.Outcome, r.Message])).toEqual([
      ['failed', `1 appended, 1 failed; The event nests deeper than ${MAX_NESTING} levels; it is kept in the Webhook log only.`],
    ]);
  });
});

describe('stale events', () => {
  const contact = (updatedAt: string, lastName: string) => ({ ...payload('contact-updated')[0], updatedAt, lastName });

  it('an older version of a row on the sheet is answered "stale" with the reason', () => {
    const h = startApp();
    h.post(contact('2025-05-09T15:40:00.000Z', 'Newer'));
    expect(h.post(contact('2025-05-09T15:30:00.000Z', 'Older')).results).toEqual([
      { hook: 'Contact updated', sheet: 'Contact updated', action: 'stale', row: 2, message: STALE },
    ]);
  });

  it('an older version of a row the same delivery adds is answered "stale" with the reason and that row', () => {
    const h = startApp();
    const res = h.post([contact('2025-05-09T15:40:00.000Z', 'Newer'), contact('2025-05-09T15:30:00.000Z', 'Older')]);
    expect(res.results).toEqual([
      { hook: 'Contact updated', sheet: 'Contact updated', action: 'appended', row: 2 },
      { hook: 'Contact updated', sheet: 'Contact updated', action: 'stale', row: 2, message: STALE },
    ]);
    expect(h.fields('Contact updated').map((r) => r.lastName)).toEqual(['Newer']);
  });
});

describe('a sheet call that fails is reported on the events it sinks', () => {
  it("one event whose search fails is answered failed with the service's message; its neighbour is written", () => {
    const h = startApp();
    h.post(callBooked('a'));
    const spy = jest.spyOn(TextFinderImpl.prototype, 'findAll').mockImplementationOnce(() => {
      throw new GasException('Service Spreadsheets timed out while accessing the document.');
    });
    let res: any;
    try {
      res = h.post([callBooked('a', { extra: 'changed' }), callBooked('b')]);
    } finally {
      spy.mockRestore();
    }
    expect(res).toEqual({
      ok: false,
      results: [
        {
          hook: 'Call booked',
          sheet: 'Call booked',
          action: 'failed',
          row: null,
          message: 'Service Spreadsheets timed out while accessing the document.',
        },
        { hook: 'Call booked', sheet: 'Call booked', action: 'appended', row: 3 },
      ],
      error: {
        code: 'partly_failed',
        message:
          '1 of 2 events could not be written: Service Spreadsheets timed out while accessing the document. They are kept in the Webhook log and can be replayed.',
      },
    });
    expect(h.rows('Call booked').map((r) => r['Row key'])).toEqual(['a', 'b']);
    expect(h.rows('Webhook log').map((r) => [r.Outcome, r.Message])).toEqual([
      ['appended', '1 appended'],
      ['failed', '1 failed, 1 appended; Service Spreadsheets timed out while accessing the document.'],
    ]);
  });

  it('when the new rows cannot be written, every event that was to add or merge into one fails, and no row is claimed', () => {
    const h = startApp();
    h.post(callBooked('first')); // the sheet and its header exist
    const original = RangeImpl.prototype.setValues;
    const spy = jest.spyOn(RangeImpl.prototype, 'setValues').mockImplementation(function (this: RangeImpl, values: unknown[][]) {
      if (this.__sh.name === 'Call booked' && this.__r >= 2)
        throw new GasException('Service Spreadsheets failed while accessing the document.');
      return original.call(this, values);
    });
    let res: any;
    try {
      // "m" twice: the second merges into the row the first adds.
      res = h.post([callBooked('m'), callBooked('m', { extra: 'later' }), callBooked('n')]);
    } finally {
      spy.mockRestore();
    }
    const failed = (action: string) => ({
      hook: 'Call booked',
      sheet: 'Call booked',
      action,
      row: null,
      message: 'Service Spreadsheets failed while accessing the document.',
    });
    expect(res).toEqual({
      ok: false,
      results: [failed('failed'), failed('failed'), failed('failed')],
      error: {
        code: 'write_failed',
        message:
          '3 of 3 events could not be written: Service Spreadsheets failed while accessing the document. They are kept in the Webhook log and can be replayed.',
      },
    });
    expect(h.rows('Call booked').map((r) => r['Row key'])).toEqual(['first']);
    expect(h.rows('Webhook log').map((r) => r.Outcome)).toEqual(['appended', 'failed']);
  });
});
