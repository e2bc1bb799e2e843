/** The hook registry's lookups: folding names, aliases, ids, and each hook's example fields. */
import { HOOKS, exampleFields, findHook, foldHookName, hookById, isHookId, type HookId } from '../../src/core/hooks';

describe('foldHookName', () => {
  it('drops case, spaces, dashes, underscores and dots, and spells cancelled the UK way', () => {
    expect(foldHookName(' Call_Re-Scheduled.\tNow ')).toBe('callreschedulednow');
    expect(foldHookName('Call CANCELED')).toBe('callcancelled');
    expect(foldHookName('canceled canceled')).toBe('cancelledcancelled');
  });
});

describe('findHook', () => {
  it('finds every hook by name, id and alias, however spelled', () => {
    for (const hook of HOOKS) {
      for (const name of [hook.name, hook.id, ...hook.aliases]) {
        expect(findHook(name)).toBe(hook);
        expect(findHook(`  ${name.toUpperCase().replace(/ /g, '_')} `)).toBe(hook);
      }
    }
    expect(findHook('call-canceled')?.id).toBe('callCancelled');
  });
  it('finds nothing for blank, unknown or non-text names', () => {
    expect(findHook('   ')).toBeNull();
    expect(findHook('Invoice paid')).toBeNull();
    expect(findHook(null)).toBeNull();
    expect(findHook(['callBooked'])).toBeNull();
  });
});

describe('hookById and isHookId', () => {
  it('returns the hook with that id', () => {
    expect(hookById('callOutcome').name).toBe('Call outcome added');
    expect(hookById('contactCreated')).toBe(HOOKS[0]);
  });
  it('throws a clear error for an unknown id', () => {
    expect(() => hookById('invoicePaid' as HookId)).toThrow(new Error('Unknown hook id: invoicePaid'));
  });
  it('recognises the seven ids only', () => {
    expect(HOOKS.map((h) => h.id).filter(isHookId)).toHaveLength(7);
    expect(isHookId('other')).toBe(false);
    expect(isHookId('Call booked')).toBe(false);
    expect(isHookId(7)).toBe(false);
  });
});

describe('exampleFields', () => {
  it("lists the paths of the hook's example event, the same list each time", () => {
    const hook = hookById('callOutcome');
    const fields = exampleFields(hook);
    expect(fields).toContain('uuid');
    expect(fields).toContain('notes');
    expect(fields.every((path) => typeof path === 'string' && path !== '')).toBe(true);
    expect(exampleFields(hook)).toBe(fields);
    expect(exampleFields(hookById('callBooked'))).toContain('event.uuid');
    expect(exampleFields(hookById('callBooked'))).not.toContain('uuid');
  });
});
