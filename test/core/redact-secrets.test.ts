/** Redaction: which stored tokens are looked for, token form fields dropped, and every copy of a token replaced in a kept delivery. */
import type { Delivery } from '../../src/core/delivery';
import { TOKEN_REMOVED, redactDelivery, redactText, secretsOf, withoutTokenField } from '../../src/core/redact';

const CURRENT = 'cur_TOKEN-0123456789abcdef';
const PREVIOUS = 'prevTOKEN_0123456789abcdef';

describe('secretsOf', () => {
  it('keeps token-shaped values only, current first', () => {
    expect(secretsOf({ current: CURRENT, previous: PREVIOUS })).toEqual([CURRENT, PREVIOUS]);
    expect(secretsOf({ current: null, previous: PREVIOUS })).toEqual([PREVIOUS]);
    expect(secretsOf({ current: 'short', previous: null })).toEqual([]);
  });
});

describe('redactText', () => {
  it('replaces every copy of every secret', () => {
    expect(redactText(`a ${CURRENT} b ${CURRENT}${PREVIOUS}`, [CURRENT, PREVIOUS])).toBe(
      'a [token removed] b [token removed][token removed]',
    );
    expect(TOKEN_REMOVED).toBe('[token removed]');
  });
  it('leaves text without a secret as it is', () => {
    expect(redactText('nothing here', [CURRENT])).toBe('nothing here');
    expect(redactText(CURRENT, [])).toBe(CURRENT);
  });
});

describe('withoutTokenField', () => {
  it('drops token pairs however the key is encoded, keeping the rest byte for byte', () => {
    expect(withoutTokenField('a=1&token=x&b=%20+2')).toBe('a=1&b=%20+2');
    expect(withoutTokenField('tok%65n=x&a=1')).toBe('a=1');
    expect(withoutTokenField('a=1&token')).toBe('a=1');
    expect(withoutTokenField('token=1&token=2')).toBe('');
  });
  it('keeps keys that only look like token', () => {
    expect(withoutTokenField('+token=x&tokens=y&Token=z')).toBe('+token=x&tokens=y&Token=z');
  });
  it('keeps a key that does not decode, and still drops token', () => {
    expect(withoutTokenField('%zz=1&token=2&%E0=3')).toBe('%zz=1&%E0=3');
  });
  it('returns the body unchanged when it has no token pair', () => {
    expect(withoutTokenField('a=1&&b=2&')).toBe('a=1&&b=2&');
    expect(withoutTokenField('')).toBe('');
  });
});

describe('redactDelivery', () => {
  const base: Delivery = {
    id: 'd1',
    receivedAt: 123,
    contents: `token=${CURRENT}&note=${PREVIOUS}&x=1`,
    contentType: 'Application/X-WWW-Form-Urlencoded',
    parameter: { token: CURRENT, note: `see ${PREVIOUS}`, x: '1' },
  };

  it('drops the token field of a form body and every copy of a token elsewhere', () => {
    expect(redactDelivery(base, [CURRENT, PREVIOUS])).toEqual({
      id: 'd1',
      receivedAt: 123,
      contents: 'note=[token removed]&x=1',
      contentType: 'Application/X-WWW-Form-Urlencoded',
      parameter: { note: 'see [token removed]', x: '1' },
    });
  });
  it('leaves a JSON body whole apart from copies of a token', () => {
    const json = { ...base, contents: `{"token":"${CURRENT}","a":"token=1"}`, contentType: 'application/json' };
    expect(redactDelivery(json, [CURRENT]).contents).toBe('{"token":"[token removed]","a":"token=1"}');
  });
  it('redacts the query when there is one, and adds none when there is not', () => {
    expect(redactDelivery({ ...base, query: `token=${CURRENT}&hook=h&t=${CURRENT}` }, [CURRENT]).query).toBe('hook=h&t=[token removed]');
    expect('query' in redactDelivery(base, [CURRENT])).toBe(false);
    expect(redactDelivery({ ...base, query: '' }, [CURRENT]).query).toBe('');
  });
  it('keeps a __proto__ parameter as plain data and leaves the input untouched', () => {
    const parameter = JSON.parse(`{"__proto__":"${CURRENT}","token":"t"}`) as Record<string, string>;
    const delivery = { ...base, parameter };
    const out = redactDelivery(delivery, [CURRENT]);
    expect(Object.keys(out.parameter)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(out.parameter, '__proto__')?.value).toBe('[token removed]');
    expect(Object.getPrototypeOf(out.parameter)).toBe(Object.prototype);
    expect(Object.keys(delivery.parameter)).toEqual(['__proto__', 'token']);
    expect(delivery.contents).toBe(base.contents);
  });
  it('keeps parameters an ordinary object its reader may change', () => {
    const out = redactDelivery(base, [CURRENT]);
    out.parameter.x = '2';
    delete out.parameter.note;
    expect(out.parameter).toEqual({ x: '2' });
  });
});
