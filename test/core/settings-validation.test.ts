/** Unit tests of settings validation: every refusal's exact message, the limits at their edges, and what a clean copy keeps. */
import { HOOKS, OTHER_HOOKS_SHEET } from '../../src/core/hooks';
import { defaultSettings, normalizeSettings, SettingsError } from '../../src/core/settings';

/** The message normalizeSettings refuses `input` with (fails the test when it accepts it). */
function refusal(input: unknown, known?: Parameters<typeof normalizeSettings>[1]): string {
  try {
    normalizeSettings(input, known);
  } catch (e) {
    expect(e).toBeInstanceOf(SettingsError);
    expect((e as Error).name).toBe('SettingsError');
    return (e as Error).message;
  }
  throw new Error(`accepted: ${JSON.stringify(input)}`);
}

const callBooked = (hook: Record<string, unknown>) => ({ hooks: { callBooked: hook } });
const columns = (list: unknown) => callBooked({ columns: list });

describe('settings: the whole object', () => {
  it('takes the defaults for null, undefined and an empty object', () => {
    expect(normalizeSettings(undefined)).toEqual(defaultSettings());
    expect(normalizeSettings({})).toEqual(defaultSettings());
    expect(defaultSettings()).toMatchObject({ version: 2, logRetention: 5000, lockWaitMs: 10000, pipeline: { enabled: true } });
  });
  it('refuses a value that is not an object, naming what it must be', () => {
    for (const input of ['x', 5, [], true]) expect(refusal(input)).toBe('Settings must be an object.');
  });
  it('accepts its own version and older ones, refuses newer or non-numeric ones', () => {
    expect(normalizeSettings({ version: 1 }).version).toBe(2);
    expect(normalizeSettings({ version: 2 }).version).toBe(2);
    expect(refusal({ version: 3 })).toBe('These settings are from a newer version (3); update the script.');
    expect(refusal({ version: '2' })).toBe('These settings are from a newer version (2); update the script.');
  });
  it('refuses hooks that are not an object keyed by hook id, listing the known ids', () => {
    expect(refusal({ hooks: [] })).toBe('Settings "hooks" must be an object keyed by hook id.');
    expect(refusal({ hooks: { nope: {} } })).toBe(`Unknown hook id "nope". Known: ${HOOKS.map((h) => h.id).join(', ')}.`);
    expect(refusal({ hooks: { nope: {} } })).toContain('Known: contactCreated, contactByStatus, ');
    expect(refusal(callBooked('x' as unknown as Record<string, unknown>))).toBe('Settings for callBooked must be an object.');
  });
  it('keeps logRetention and lockWaitMs within their bounds, whole numbers only', () => {
    expect(normalizeSettings({ logRetention: 0 }).logRetention).toBe(0);
    expect(normalizeSettings({ logRetention: 1_000_000 }).logRetention).toBe(1_000_000);
    expect(normalizeSettings({ lockWaitMs: 0, logRetention: 7 })).toMatchObject({ lockWaitMs: 0, logRetention: 7 });
    expect(normalizeSettings({ lockWaitMs: 300_000 }).lockWaitMs).toBe(300_000);
    const retention = 'logRetention must be a whole number from 0 to 1000000.';
    for (const bad of [-1, 1_000_001, 2.5, '10']) expect(refusal({ logRetention: bad })).toBe(retention);
    const wait = 'lockWaitMs must be a whole number from 0 to 300000.';
    for (const bad of [-1, 300_001, 0.5, null]) expect(refusal({ lockWaitMs: bad })).toBe(wait);
  });
  it('turns the pipeline off only for enabled: false, and refuses anything but a boolean', () => {
    expect(normalizeSettings({ pipeline: { enabled: false } }).pipeline).toEqual({ enabled: false });
    expect(normalizeSettings({ pipeline: { enabled: true } }).pipeline).toEqual({ enabled: true });
    expect(normalizeSettings({ pipeline: {} }).pipeline).toEqual({ enabled: true });
    const message = 'Settings "pipeline" must be { "enabled": true or false }.';
    expect(refusal({ pipeline: true })).toBe(message);
    expect(refusal({ pipeline: { enabled: 'no' } })).toBe(message);
  });
});

describe('settings: one hook', () => {
  it('refuses a write mode it does not know, listing the modes', () => {
    expect(refusal(callBooked({ mode: 'merge' }))).toBe('Write mode for callBooked must be one of append, upsert, insert-if-new.');
    expect(normalizeSettings(callBooked({ mode: 'insert-if-new' })).hooks.callBooked.mode).toBe('insert-if-new');
  });
  it('trims key fields and refuses a key that is not a list of names', () => {
    expect(normalizeSettings(callBooked({ key: [' event.uuid ', 'invitee.email'] })).hooks.callBooked.key).toEqual([
      'event.uuid',
      'invitee.email',
    ]);
    const message = 'The key for callBooked must be a list of field names.';
    for (const bad of ['event.uuid', [' '], [5], ['a', '']]) expect(refusal(callBooked({ key: bad }))).toBe(message);
    expect(refusal(callBooked({ key: ['a', 'a'] }))).toBe('The key for Call booked names a field twice.');
  });
  it('needs a key for upsert and insert-if-new, not for append', () => {
    expect(refusal(callBooked({ mode: 'insert-if-new', key: [] }))).toBe(
      'Call booked uses insert-if-new, which needs a key: choose at least one key field or use append.',
    );
    expect(normalizeSettings(callBooked({ mode: 'append', key: [] })).hooks.callBooked).toMatchObject({ mode: 'append', key: [] });
  });
  it('switches addNewFields and skipStale on only for true', () => {
    const off = normalizeSettings(callBooked({ addNewFields: 'yes', skipStale: 1 })).hooks.callBooked;
    expect([off.addNewFields, off.skipStale]).toEqual([false, false]);
    const on = normalizeSettings(callBooked({ addNewFields: true, skipStale: true })).hooks.callBooked;
    expect([on.addNewFields, on.skipStale]).toEqual([true, true]);
    const unsaid = normalizeSettings(callBooked({ sheet: 'Calls' })).hooks.callBooked;
    expect([unsaid.addNewFields, unsaid.skipStale]).toEqual([true, true]);
  });
  it('does not share the default key list with the result', () => {
    const a = normalizeSettings(callBooked({ sheet: 'Calls' }));
    a.hooks.callBooked.key.push('changed');
    expect(normalizeSettings(callBooked({ sheet: 'Calls' })).hooks.callBooked.key).toEqual(['event.uuid']);
  });
  it('checks key fields and column fields against the known fields of the hook', () => {
    const known = { callBooked: ['event.uuid', 'invitee.email'] };
    expect(refusal(callBooked({ key: ['nope'] }), known)).toBe(
      'Call booked: the key field "nope" is not a field of this hook. Choose one of its fields.',
    );
    expect(refusal(columns([{ field: 'nope' }]), known)).toBe(
      'Call booked: "nope" is not a field of this hook; remove it from the columns.',
    );
    expect(normalizeSettings(callBooked({ key: ['invitee.email'] }), known).hooks.callBooked).toMatchObject({
      key: ['invitee.email'],
      columns: null,
    });
    expect(normalizeSettings(columns([{ field: 'invitee.email' }]), known).hooks.callBooked.columns).toEqual([
      { field: 'invitee.email', include: true, label: 'invitee.email', typing: 'auto' },
    ]);
  });
});

describe('settings: sheet names', () => {
  it('trims a name and keeps one of 100 characters', () => {
    expect(normalizeSettings(callBooked({ sheet: '  Calls  ' })).hooks.callBooked.sheet).toBe('Calls');
    expect(normalizeSettings(callBooked({ sheet: 'x'.repeat(100) })).hooks.callBooked.sheet).toBe('x'.repeat(100));
  });
  it('refuses empty, too long, forbidden characters and the app sheets, whatever their case', () => {
    expect(refusal(callBooked({ sheet: '  ' }))).toBe('The sheet name for Call booked must not be empty.');
    expect(refusal(callBooked({ sheet: 5 }))).toBe('The sheet name for Call booked must not be empty.');
    expect(refusal(callBooked({ sheet: 'x'.repeat(101) }))).toBe('The sheet name for Call booked is longer than 100 characters.');
    for (const c of ['[', ']', '*', '?', ':', '/', '\\'])
      expect(refusal(callBooked({ sheet: `a${c}b` }))).toBe('The sheet name for Call booked must not contain [ ] * ? : / \\.');
    for (const name of ['Webhook Log', OTHER_HOOKS_SHEET.toUpperCase(), 'pipeline', 'Funnel'])
      expect(refusal(callBooked({ sheet: name }))).toBe(`"${name}" is the app's own sheet; choose another name for Call booked.`);
  });
});

describe('settings: columns', () => {
  it('fills label, include and typing, trims labels, and keeps inOtherFields only when true', () => {
    const out = normalizeSettings(
      columns([
        { field: 'a' },
        { field: 'b', label: '  Bee ', include: false, typing: 'date', inOtherFields: false },
        { field: 'c', include: 'no', inOtherFields: true },
      ]),
    ).hooks.callBooked.columns;
    expect(out).toEqual([
      { field: 'a', include: true, label: 'a', typing: 'auto' },
      { field: 'b', include: false, label: 'Bee', typing: 'date' },
      { field: 'c', include: true, label: 'c', typing: 'auto', inOtherFields: true },
    ]);
    expect(Object.keys(out![1])).toEqual(['field', 'include', 'label', 'typing']);
    expect(normalizeSettings(columns(null)).hooks.callBooked.columns).toBeNull();
  });
  it('takes up to 1000 columns and labels up to 200 characters', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ field: `f${i}` }));
    expect(normalizeSettings(columns(many)).hooks.callBooked.columns).toHaveLength(1000);
    expect(refusal(columns([...many, { field: 'one more' }]))).toBe('Call booked: at most 1000 columns.');
    const long = 'L'.repeat(200);
    expect(normalizeSettings(columns([{ field: 'a', label: long }])).hooks.callBooked.columns![0].label).toBe(long);
    expect(refusal(columns([{ field: 'a', label: `${long}L` }]))).toBe(
      'Call booked: the header label for "a" is longer than 200 characters.',
    );
  });
  it('refuses each malformed column with a message naming the field', () => {
    expect(refusal(columns({ field: 'a' }))).toBe('Call booked: columns must be a list.');
    for (const bad of [null, 'a', { field: ' ' }, { field: 5 }, {}])
      expect(refusal(columns([bad]))).toBe('Call booked: every column needs a field.');
    expect(refusal(columns([{ field: 'a' }, { field: 'a', label: 'A2' }]))).toBe(
      'Call booked: the field "a" is listed twice in the columns.',
    );
    for (const label of [' ', 7])
      expect(refusal(columns([{ field: 'a', label }]))).toBe('Call booked: the column for "a" needs a header label.');
    for (const label of ['Received at', 'ROW KEY', 'fingerprint', 'Other Fields'])
      expect(refusal(columns([{ field: 'a', label }]))).toBe(
        `Call booked: "${label}" is the label of one of the app's own columns; choose another label for "a".`,
      );
    expect(
      refusal(
        columns([
          { field: 'a', label: 'Mail' },
          { field: 'b', label: 'MAIL' },
        ]),
      ),
    ).toBe('Call booked: the header label "MAIL" is used for both "a" and "b"; give each column its own label.');
    expect(refusal(columns([{ field: 'a', typing: 'money' }]))).toBe(
      'Call booked: typing for "a" must be one of auto, text, number, date.',
    );
    expect(refusal(columns([{ field: 'a', inOtherFields: 'yes' }]))).toBe('Call booked: "inOtherFields" for "a" must be true or false.');
  });
});

describe('settings: hooks sharing a sheet', () => {
  const contacts = (created: Record<string, unknown>, updated: Record<string, unknown>) => ({
    hooks: { contactCreated: { sheet: 'Contacts', ...created }, contactUpdated: { sheet: 'contacts', ...updated } },
  });
  it('compares sheet names without case and needs the same mode and key', () => {
    expect(refusal(contacts({}, { mode: 'insert-if-new' }))).toBe(
      'Contact created and Contact updated both write to "contacts" but with different write modes or keys; give them the same mode and key, or separate sheets.',
    );
    expect(refusal(contacts({ key: ['id', 'email'] }, { key: ['id'] }))).toContain('different write modes or keys');
    // ["a b"] and ["a", "b"] are different keys, whatever a join with a space would say.
    expect(refusal(contacts({ key: ['id email'] }, { key: ['id', 'email'] }))).toContain('different write modes or keys');
    expect(normalizeSettings(contacts({ key: ['id', 'email'] }, { key: ['id', 'email'] })).hooks.contactUpdated.key).toEqual([
      'id',
      'email',
    ]);
  });
  it('needs one label per field and one field per label, among columns of their own only', () => {
    expect(refusal(contacts({ columns: [{ field: 'email', label: 'Mail' }] }, { columns: [{ field: 'email', label: 'E-mail' }] }))).toBe(
      'Contact created and Contact updated share "contacts" but label "email" differently ("Mail" and "E-mail"); use one label.',
    );
    expect(refusal(contacts({ columns: [{ field: 'email', label: 'Mail' }] }, { columns: [{ field: 'phone', label: 'MAIL' }] }))).toBe(
      'Contact created and Contact updated share "contacts" and both use the header label "MAIL", for "email" and "phone"; give each column its own label.',
    );
    // A field kept in Other fields has no header cell, so its label clashes with nothing.
    const inOther = { field: 'email', label: 'E-mail', inOtherFields: true };
    expect(() => normalizeSettings(contacts({ columns: [{ field: 'email', label: 'Mail' }] }, { columns: [inOther] }))).not.toThrow();
    expect(() => normalizeSettings(contacts({ columns: [inOther] }, { columns: [{ field: 'phone', label: 'E-mail' }] }))).not.toThrow();
    expect(() =>
      normalizeSettings(contacts({ columns: [{ field: 'email', label: 'Mail' }] }, { columns: [{ field: 'email', label: 'Mail' }] })),
    ).not.toThrow();
  });
});
