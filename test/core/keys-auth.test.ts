/** Edge cases of row keys, canonical JSON and token checks that the bundle suites do not reach one by one. */
import type { TokenState } from '../../src/core/auth';
import { type Field } from '../../src/core/flatten';
import { canonicalJson, keyPart, MAX_KEY_CHARS, rowKey, searchableKey } from '../../src/core/keys';

/**
 * The module loaded afresh inside the test that calls this, so what it builds at load time (the token pattern, the grace period) is part
 * of what that test runs; a mutation run counts a test only for code it ran.
 */
function freshAuth(): typeof import('../../src/core/auth') {
  let mod: typeof import('../../src/core/auth') | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('../../src/core/auth');
  });
  return mod!;
}

const isValidToken = (token: unknown) => freshAuth().isValidToken(token);
const tokenAccepted = (given: unknown, state: TokenState, now: number) => freshAuth().tokenAccepted(given, state, now);

const field = (path: string, value: Field['value']): Field => ({ path, value });

describe('keyPart', () => {
  test.each([
    [' abc ', 'abc'],
    ['15.0', '15'],
    ['10.50', '10.5'],
    ['-0', '0'],
    ['-12', '-12'],
    ['007', '007'],
    ['+1234', '+1234'],
    ['12345678901234567890', '12345678901234567890'],
  ])('text %j is the key %j', (text, key) => {
    expect(keyPart(text)).toBe(key);
  });

  test('numbers, -0, booleans, null and undefined', () => {
    expect(keyPart(-0)).toBe('0');
    expect(keyPart(5)).toBe('5');
    expect(keyPart(true)).toBe('true');
    expect(keyPart(false)).toBe('false');
    expect(keyPart(null)).toBe('');
    expect(keyPart(undefined)).toBe('');
  });
});

describe('rowKey', () => {
  const fields = [field('a', 'x'), field('b', 7)];
  test('no key fields, or any key field missing, gives no key', () => {
    expect(rowKey(fields, [])).toBeNull();
    expect(rowKey(fields, ['a', 'missing'])).toBeNull();
  });
  test('one key field is its text; several are a JSON list', () => {
    expect(rowKey(fields, ['a'])).toBe('x');
    expect(rowKey(fields, ['a', 'b'])).toBe('["x","7"]');
  });
});

describe('searchableKey', () => {
  const hash = (text: string) => `sha(${text.length})`;
  test('a key of up to 1000 characters is stored as it is', () => {
    expect(MAX_KEY_CHARS).toBe(1000);
    expect(searchableKey('k'.repeat(1000), hash)).toBe('k'.repeat(1000));
    expect(searchableKey('short', hash)).toBe('short');
  });
  test('a longer key is stored as a hash that says so', () => {
    expect(searchableKey('k'.repeat(1001), hash)).toBe('(hashed: a key of 1001 characters, SHA-256) sha(1001)');
  });
});

test('canonicalJson sorts object keys at every depth and keeps list order', () => {
  expect(canonicalJson([1, { b: 2, a: [true, null, 'z'] }])).toBe('[1,{"a":[true,null,"z"],"b":2}]');
  expect(canonicalJson({ y: { d: 1, c: 2 }, x: [] })).toBe('{"x":[],"y":{"c":2,"d":1}}');
  expect(canonicalJson(undefined)).toBe('null');
  expect(canonicalJson('text')).toBe('"text"');
});

describe('tokens', () => {
  const token = 'A'.repeat(30);
  test('a token is the whole text: nothing before or after the allowed characters', () => {
    expect(isValidToken(token)).toBe(true);
    expect(isValidToken(`!${token}`)).toBe(false);
    expect(isValidToken(`${token}!`)).toBe(false);
  });
  test('a token has 22 to 128 characters', () => {
    expect([21, 22, 128, 129].map((n) => isValidToken('a'.repeat(n)))).toEqual([false, true, true, false]);
    expect(isValidToken('Az09_-'.repeat(4))).toBe(true);
    expect(isValidToken(`${'a'.repeat(21)}=`)).toBe(false);
  });
  test('only a string is a token, not a value whose text would look like one', () => {
    expect(isValidToken([token])).toBe(false);
    expect(isValidToken({ toString: () => token })).toBe(false);
  });
  test('the previous token works for 24 hours after a rotation', () => {
    expect(freshAuth().TOKEN_GRACE_MS).toBe(24 * 60 * 60 * 1000);
  });
  test('without a previous token, only the current one is accepted, even within a grace period', () => {
    const now = 1_000_000;
    expect(tokenAccepted('B'.repeat(30), { current: token, previous: null, previousExpiresAt: now + 1000 }, now)).toBe(false);
    expect(tokenAccepted(token, { current: token, previous: null, previousExpiresAt: now + 1000 }, now)).toBe(true);
  });
});
