/** Unit tests of the pure core: registry, parsing, flattening, typing, keys, settings, columns, plan, auth. */
import { constantTimeEqual, isValidToken, tokenAccepted } from '../../src/core/auth';
import { META, planColumns, columnRuns, defaultColumns, emptyLayout, hookDefaultColumns, mergeColumns } from '../../src/core/columns';
import { parseDelivery, eventHookType } from '../../src/core/delivery';
import { flattenEvent, fieldValue } from '../../src/core/flatten';
import { exampleFields, findHook, HOOKS } from '../../src/core/hooks';
import { canonicalJson, keyPart, rowKey } from '../../src/core/keys';
import { addFingerprint, cellVersion, decideStep, deliveryOutcome, isStale } from '../../src/core/plan';
import { normalizeSettings, SettingsError } from '../../src/core/settings';
import { htmlToText, needsTextGuard, parseIsoTimestamp, toCellValue, CELL_CHAR_LIMIT } from '../../src/core/values';

describe('hook registry', () => {
  it.each([
    ['Contact created', 'contactCreated'],
    ['newContactCreated', 'contactCreated'],
    ['contact  BY status', 'contactByStatus'],
    ['contactDetailChanged', 'contactUpdated'],
    ['Contact updated', 'contactUpdated'],
    ['newCallScheduled', 'callBooked'],
    ['Call booked', 'callBooked'],
    ['Call canceled', 'callCancelled'],
    ['call_cancelled', 'callCancelled'],
    ['callCancelled', 'callCancelled'],
    ['callRescheduled', 'callRescheduled'],
    ['Outcome added', 'callOutcome'],
    ['Call outcome added', 'callOutcome'],
    ['callOutcome', 'callOutcome'],
  ])('%s names %s', (name, id) => {
    expect(findHook(name)?.id).toBe(id);
  });
  it('names no hook for unknown, empty or non-string input', () => {
    expect(findHook('Invoice paid')).toBeNull();
    expect(findHook('')).toBeNull();
    expect(findHook(42)).toBeNull();
  });
  it('every example payload names its own hook', () => {
    for (const hook of HOOKS) expect(findHook(eventHookType(hook.example[0]))?.id).toBe(hook.id);
  });
});

describe('parseDelivery', () => {
  const raw = (contents: string, contentType = 'application/json', parameter: Record<string, string> = {}) => ({
    contents,
    contentType,
    parameter,
  });
  it('accepts an array of events and a single object', () => {
    expect(parseDelivery(raw('[{"a":1},{"a":2}]'))).toEqual({ ok: true, events: [{ a: 1 }, { a: 2 }] });
    expect(parseDelivery(raw('{"a":1}'))).toEqual({ ok: true, events: [{ a: 1 }] });
  });
  it('reads a form body from its payload field or its only field', () => {
    const form = 'application/x-www-form-urlencoded';
    expect(parseDelivery(raw('payload=x', form, { payload: '{"a":1}', token: 't' }))).toEqual({ ok: true, events: [{ a: 1 }] });
    expect(parseDelivery(raw('data=x', form, { data: '[{"b":2}]' }))).toEqual({ ok: true, events: [{ b: 2 }] });
  });
  it('refuses empty, malformed and empty-array bodies with a code', () => {
    expect(parseDelivery(raw(''))).toMatchObject({ ok: false, code: 'empty_body' });
    expect(parseDelivery(raw('{"a":'))).toMatchObject({ ok: false, code: 'invalid_json' });
    expect(parseDelivery(raw('[]'))).toMatchObject({ ok: false, code: 'no_events' });
  });
});

describe('flattenEvent', () => {
  it('uses dot paths, joins scalar arrays, keeps object arrays as JSON', () => {
    const fields = flattenEvent({
      event: { uuid: '1', extended_assigned_to: { '1': { name: 'Sam' } } },
      tags: ['a', 'b'],
      list: [{ x: 1 }],
      none: [],
      n: null,
    });
    expect(fieldValue(fields, 'event.uuid')).toBe('1');
    expect(fieldValue(fields, 'event.extended_assigned_to.1.name')).toBe('Sam');
    expect(fieldValue(fields, 'tags')).toBe('a, b');
    expect(fieldValue(fields, 'list')).toBe('[{"x":1}]');
    expect(fieldValue(fields, 'none')).toBeNull();
    expect(fieldValue(fields, 'n')).toBeNull();
  });
  it('treats __proto__ and constructor keys as plain data', () => {
    const event = JSON.parse('{"__proto__":{"polluted":1},"constructor":"x"}');
    const fields = flattenEvent(event);
    expect(fieldValue(fields, '__proto__.polluted')).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('caps depth with JSON text', () => {
    const deep = { a: { b: { c: { d: 1 } } } };
    expect(flattenEvent(deep, 2)).toEqual([{ path: 'a.b', value: '{"c":{"d":1}}' }]);
  });
  it('keeps both colliding paths, the nested one under the plain path whatever the key order', () => {
    const byPath = (event: unknown) => Object.fromEntries(flattenEvent(event).map((f) => [f.path, f.value]));
    expect(byPath({ 'a.b': 1, a: { b: 2 } })).toEqual({ 'a.b': 2, 'a.b #2': 1 });
    expect(byPath({ a: { b: 2 }, 'a.b': 1 })).toEqual({ 'a.b': 2, 'a.b #2': 1 });
    // Same depth: the raw keys' JSON text decides.
    expect(byPath({ 'a.b': { c: 1 }, a: { 'b.c': 2 } })).toEqual({ 'a.b.c': 2, 'a.b.c #2': 1 });
    expect(byPath({ a: { 'b.c': 2 }, 'a.b': { c: 1 } })).toEqual({ 'a.b.c': 2, 'a.b.c #2': 1 });
  });
});

describe('value typing', () => {
  it.each([
    '=1+1',
    '+1234567890',
    '-5',
    '@SUM(A1)',
    '\tx',
    '\rx',
    "'quoted",
    '00123',
    '5/9/2025',
    'TRUE',
    'false',
    '#N/A',
    '1e3',
    '50%',
    ' x',
    'x ',
  ])('guards %j', (text) => {
    expect(needsTextGuard(text)).toBe(true);
    expect(toCellValue(text)).toBe(`'${text}`);
  });
  it('leaves plain words unguarded', () => {
    expect(toCellValue('Raya Fleming')).toBe('Raya Fleming');
    expect(toCellValue('Ñandú 東京')).toBe('Ñandú 東京');
  });
  it('types JSON numbers, booleans, null and ISO timestamps', () => {
    expect(toCellValue(5000)).toBe(5000);
    expect(toCellValue(true)).toBe(true);
    expect(toCellValue(null)).toBe('');
    expect((toCellValue('2025-05-09T15:28:40.783Z') as Date).toISOString()).toBe('2025-05-09T15:28:40.783Z');
    expect((toCellValue('2025-05-13T12:15:00+02:00') as Date).toISOString()).toBe('2025-05-13T10:15:00.000Z');
    expect(parseIsoTimestamp('2025-05-09')).toBeNull();
    expect(parseIsoTimestamp('2025-13-09T00:00:00Z')).toBeNull();
  });
  it('turns rich text into plain text', () => {
    expect(toCellValue('<!DOCTYPE quill-output-html><p>Signed the annual plan.</p><p>Next &amp; last</p>')).toBe(
      'Signed the annual plan.\nNext & last',
    );
    expect(htmlToText('<ul><li>a</li><li>b</li></ul>')).toBe('• a\n• b');
  });
  it('cuts text longer than a cell with a visible marker', () => {
    const cell = toCellValue('x'.repeat(60000)) as string;
    expect(cell.length).toBeLessThanOrEqual(CELL_CHAR_LIMIT);
    expect(cell).toMatch(/cut: 60000 characters/);
  });
});

describe('keys', () => {
  it('treats 5, "5" and 5.0 as one key but keeps + and leading zeros', () => {
    expect(keyPart(5)).toBe('5');
    expect(keyPart('5')).toBe('5');
    expect(keyPart('5.0')).toBe('5');
    expect(keyPart('+1234')).toBe('+1234');
    expect(keyPart('007')).toBe('007');
  });
  it('builds composite keys and refuses missing parts', () => {
    const fields = flattenEvent({ a: 1, b: { c: 'x' } });
    expect(rowKey(fields, ['a'])).toBe('1');
    expect(rowKey(fields, ['a', 'b.c'])).toBe('["1","x"]');
    expect(rowKey(fields, ['missing'])).toBeNull();
  });
  it('canonical JSON ignores key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe(canonicalJson({ a: [{ c: 2, d: 1 }], b: 1 }));
  });
});

describe('settings', () => {
  it('fills defaults from the registry', () => {
    const s = normalizeSettings(null);
    expect(s.hooks.callBooked).toEqual({
      sheet: 'Call booked',
      mode: 'upsert',
      key: ['event.uuid'],
      addNewFields: true,
      skipStale: true,
      columns: null,
    });
    expect(s.hooks.callOutcome.key).toEqual(['uuid']);
  });
  it('refuses unknown hooks, empty keys in keyed modes and conflicting shared sheets', () => {
    expect(() => normalizeSettings({ hooks: { nope: {} } })).toThrow(SettingsError);
    expect(() => normalizeSettings({ hooks: { callBooked: { key: [] } } })).toThrow(/needs a key/);
    expect(() => normalizeSettings({ hooks: { contactCreated: { sheet: 'Contacts' }, callBooked: { sheet: 'Contacts' } } })).toThrow(
      /both write to "Contacts"/,
    );
    expect(
      normalizeSettings({ hooks: { contactCreated: { sheet: 'Contacts' }, contactUpdated: { sheet: 'Contacts' } } }).hooks.contactUpdated
        .sheet,
    ).toBe('Contacts');
  });
  it('refuses unknown fields, repeated labels, reserved labels, bad typing and newer versions', () => {
    const known = { callBooked: ['event.uuid', 'invitee.email'] };
    const cols = (columns: unknown) => ({ hooks: { callBooked: { columns } } });
    expect(() => normalizeSettings({ hooks: { callBooked: { key: ['nope'] } } }, known)).toThrow(/"nope" is not a field/);
    expect(() => normalizeSettings(cols([{ field: 'nope' }]), known)).toThrow(/"nope" is not a field/);
    expect(() =>
      normalizeSettings(
        cols([
          { field: 'event.uuid', label: 'X' },
          { field: 'invitee.email', label: 'x' },
        ]),
        known,
      ),
    ).toThrow(/used for both/);
    expect(() => normalizeSettings(cols([{ field: 'event.uuid', label: 'Row key' }]), known)).toThrow(/app's own columns/);
    expect(() => normalizeSettings(cols([{ field: 'event.uuid', typing: 'money' }]), known)).toThrow(/typing/);
    expect(() => normalizeSettings({ version: 99 })).toThrow(/newer version/);
    const ok = normalizeSettings(
      cols([
        { field: 'invitee.email', label: 'Email', typing: 'text' },
        { field: 'event.uuid', include: false },
      ]),
      known,
    );
    expect(ok.hooks.callBooked.columns).toEqual([
      { field: 'invitee.email', include: true, label: 'Email', typing: 'text' },
      { field: 'event.uuid', include: false, label: 'event.uuid', typing: 'auto' },
    ]);
  });
  it('refuses hooks sharing a sheet with one label for two fields', () => {
    const a = { sheet: 'Contacts', columns: [{ field: 'email', label: 'Mail' }] };
    const b = { sheet: 'Contacts', columns: [{ field: 'phoneNumber', label: 'Mail' }] };
    expect(() => normalizeSettings({ hooks: { contactCreated: a, contactUpdated: b } })).toThrow(/both use the header label "Mail"/);
  });
});

describe('default columns', () => {
  it.each(HOOKS.map((hk) => [hk.name, hk] as const))(
    '%s: essentials first under plain labels, its key among them, every other known field in Other fields',
    (_name, hook) => {
      const columns = hookDefaultColumns(hook);
      const known = exampleFields(hook);
      expect(columns.map((c) => c.field).sort()).toEqual([...known].sort()); // every documented field, once
      const essentials = columns.filter((c) => !c.inOtherFields);
      expect(essentials.map((c) => c.field)).toEqual(hook.essentials.map((e) => e.field));
      expect(columns.slice(0, essentials.length)).toEqual(essentials);
      for (const field of hook.defaultKey) expect(essentials.map((c) => c.field)).toContain(field);
      for (const c of essentials) expect(c.label).not.toContain('.');
      expect(new Set(essentials.map((c) => c.label.toLowerCase())).size).toBe(essentials.length);
      // No value twice among the columns: the questions, the closer's name or the email are not repeated.
      const example = flattenEvent(hook.example[0]);
      const values = essentials.map((c) => fieldValue(example, c.field)).filter((v) => typeof v === 'string' && v !== '');
      expect(new Set(values).size).toBe(values.length);
    },
  );
  it('label a field the same way in every hook, so hooks can share a sheet with their defaults', () => {
    const labelOf = new Map<string, string>();
    for (const hook of HOOKS) {
      for (const e of hook.essentials) {
        expect([e.field, labelOf.get(e.field) ?? e.label]).toEqual([e.field, e.label]);
        labelOf.set(e.field, e.label);
      }
    }
    const contacts = mergeColumns(HOOKS.filter((h) => h.id.startsWith('contact')).map(hookDefaultColumns));
    expect(() =>
      normalizeSettings({
        hooks: Object.fromEntries(
          HOOKS.filter((h) => h.id.startsWith('contact')).map((h) => [h.id, { sheet: 'Contacts', columns: contacts }]),
        ),
      }),
    ).not.toThrow();
  });
  it('a field kept in Other fields gets no new column, but a column it already has is still written', () => {
    const spec = [
      { field: 'email', include: true, label: 'Email', typing: 'auto' as const },
      { field: 'ip', include: true, label: 'ip', typing: 'auto' as const, inOtherFields: true },
    ];
    const fresh = planColumns([], emptyLayout(), [flattenEvent({ email: 'a@b.c', ip: '1.2.3.4', extra: 'x' })], {
      addNewFields: true,
      spec,
    });
    expect(fresh.newLabels).toEqual([META.receivedAt, 'Email', 'extra', META.rowKey, META.fingerprint, META.otherFields]);
    expect(fresh.labelOf.has('ip')).toBe(false);
    const header = [META.receivedAt, 'Email', 'ip', META.rowKey, META.fingerprint];
    const old = planColumns(header, { fields: { Email: 'email', ip: 'ip' } }, [flattenEvent({ email: 'a@b.c', ip: '1.2.3.4' })], {
      addNewFields: true,
      spec,
    });
    expect(old.labelOf.get('ip')).toBe('ip');
  });
});

describe('column plan', () => {
  it('adds meta columns and known fields on a new sheet, new fields at the right later', () => {
    const first = planColumns([], emptyLayout(), [flattenEvent({ id: 1, name: 'a' })], {
      addNewFields: true,
      spec: defaultColumns([], ['id', 'name', 'email']).map((c) => ({ ...c, inOtherFields: false })),
    });
    expect(first.newLabels).toEqual([META.receivedAt, 'id', 'name', 'email', META.rowKey, META.fingerprint]);
    const header = first.newLabels;
    const second = planColumns(header, first.layout, [flattenEvent({ id: 2, phone: '+1' })], { addNewFields: true, spec: [] });
    expect(second.newLabels).toEqual(['phone']);
  });
  it('never claims a user column and overflows past the cap into Other fields', () => {
    const header = [META.receivedAt, 'Notes', META.rowKey, META.fingerprint];
    const plan = planColumns(header, emptyLayout(), [flattenEvent({ Notes: 'x', a: 1, b: 2 })], {
      addNewFields: true,
      spec: [],
      maxAutoColumns: 2,
    });
    expect(plan.labelOf.get('Notes')).toBe('Notes (iClosed)');
    expect(plan.labelOf.has('b')).toBe(false);
    expect(plan.newLabels).toContain(META.otherFields);
  });
  it('follows configured columns: order, labels, exclusions, and no new columns when switched off', () => {
    const spec = [
      { field: 'email', include: true, label: 'Email', typing: 'text' as const },
      { field: 'id', include: true, label: 'Contact id', typing: 'auto' as const },
      { field: 'ip', include: false, label: 'ip', typing: 'auto' as const },
    ];
    const plan = planColumns([], emptyLayout(), [flattenEvent({ id: 1, email: 'a@b.c', ip: '1.2.3.4', extra: 'x' })], {
      addNewFields: false,
      spec,
    });
    expect(plan.newLabels).toEqual([META.receivedAt, 'Email', 'Contact id', META.rowKey, META.fingerprint, META.otherFields]);
    // An unticked field gets no column; its value travels in Other fields with the rest.
    expect(plan.labelOf.has('ip')).toBe(false);
    expect(plan.labelOf.has('extra')).toBe(false);
    const hidden = planColumns(['Received at', 'ip'], { fields: { ip: 'ip' } }, [flattenEvent({ ip: '5.6.7.8' })], {
      addNewFields: false,
      spec,
    });
    expect(hidden.labelOf.get('ip')).toBe('ip'); // a column it already has stays written (the save hides it)
  });
  it('labels new columns so they read back as themselves: white space collapsed, blank named', () => {
    const plan = planColumns([], emptyLayout(), [flattenEvent({ ' ': 1, 'a  b ': 2 })], { addNewFields: true, spec: [] });
    expect(plan.labelOf.get(' ')).toBe('(blank)');
    expect(plan.labelOf.get('a  b ')).toBe('a b');
    const again = planColumns(plan.newLabels, plan.layout, [flattenEvent({ ' ': 3 })], { addNewFields: true, spec: [] });
    expect(again.newLabels).toEqual([]);
  });
  it('groups adjacent columns into runs', () => {
    expect(columnRuns([5, 1, 2, 3, 7, 6])).toEqual([
      { start: 1, columns: [1, 2, 3] },
      { start: 5, columns: [5, 6, 7] },
    ]);
  });
});

describe('plan', () => {
  it('decides by mode, fingerprint and key row', () => {
    expect(decideStep('append', true, null)).toBe('duplicate');
    expect(decideStep('append', false, 4)).toBe('append');
    expect(decideStep('upsert', false, 4)).toBe('update');
    expect(decideStep('upsert', false, null)).toBe('append');
    expect(decideStep('insert-if-new', false, 4)).toBe('skip');
  });
  it('reports the most serious outcome and bounds fingerprint lists', () => {
    expect(deliveryOutcome(['appended', 'failed'])).toBe('failed');
    expect(deliveryOutcome(['duplicate', 'updated'])).toBe('updated');
    let list = '';
    for (let i = 0; i < 30; i += 1) list = addFingerprint(list, `f${i}`);
    expect(list.split(' ')).toHaveLength(20);
    expect(list.endsWith('f29')).toBe(true);
  });
  it('keeps the writing version first in the fingerprint cell, and compares versions', () => {
    let cell = addFingerprint('', 'fpA', '00abc1');
    expect(cell).toBe('v:00abc1 fpA');
    cell = addFingerprint(cell, 'fpB');
    expect(cell).toBe('v:00abc1 fpA fpB');
    cell = addFingerprint(cell, 'fpC', '00abd1');
    expect(cellVersion(cell)).toBe('00abd1');
    expect(isStale('00abc1', cellVersion(cell))).toBe(true);
    expect(isStale('00abd1', cellVersion(cell))).toBe(false);
    expect(isStale(null, '00abd1')).toBe(false);
    expect(isStale('00abc1', null)).toBe(false);
  });
});

describe('auth', () => {
  it('compares in constant time and honours the grace period', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    const state = { current: 'new', previous: 'old', previousExpiresAt: 1000 };
    expect(tokenAccepted('new', state, 5000)).toBe(true);
    expect(tokenAccepted('old', state, 999)).toBe(true);
    expect(tokenAccepted('old', state, 1000)).toBe(false);
    expect(tokenAccepted(undefined, state, 0)).toBe(false);
    expect(isValidToken('short')).toBe(false);
    expect(isValidToken('a'.repeat(32))).toBe(true);
  });
});
