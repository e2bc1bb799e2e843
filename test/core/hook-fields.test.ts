/** The fields the sidebar offers for a hook: documented ones with their examples, then fields seen in deliveries. */
import { examplePreview, hookFieldInfos } from '../../src/core/hook-fields';
import { exampleFields, hookById } from '../../src/core/hooks';

describe('examplePreview', () => {
  it('shows nothing for a missing example, and a number or boolean as its text', () => {
    expect(examplePreview(null)).toBe('');
    expect(examplePreview(undefined)).toBe('');
    expect(examplePreview(0)).toBe('0');
    expect(examplePreview(false)).toBe('false');
  });

  it('shows an example of 60 characters whole, and cuts a longer one to 57 and an ellipsis', () => {
    const sixty = 'x'.repeat(60);
    expect(examplePreview(sixty)).toBe(sixty);
    expect(examplePreview(`${sixty}y`)).toBe(`${'x'.repeat(57)}…`);
  });
});

describe('hookFieldInfos', () => {
  const booked = hookById('callBooked');

  it('lists the documented fields in their order with their examples, then the seen ones, unmarked and marked', () => {
    const fields = hookFieldInfos(booked, ['brandNewField']);
    expect(fields.map((f) => f.path)).toEqual([...exampleFields(booked), 'brandNewField']);
    expect(fields.find((f) => f.path === 'event.uuid')).toEqual({ path: 'event.uuid', example: '45526', seen: false });
    expect(fields.find((f) => f.path === 'event.cancel_reason')).toEqual({ path: 'event.cancel_reason', example: '', seen: false });
    expect(fields.at(-1)).toEqual({ path: 'brandNewField', example: '', seen: true });
  });

  it('lists a seen field once, as documented, when the documentation has it since (stored by an older version)', () => {
    const fields = hookFieldInfos(booked, ['event.uuid', 'brandNewField']);
    expect(fields.filter((f) => f.path === 'event.uuid')).toEqual([{ path: 'event.uuid', example: '45526', seen: false }]);
    expect(fields).toHaveLength(exampleFields(booked).length + 1);
  });
});
