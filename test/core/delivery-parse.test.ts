/** Parsing a raw POST body into events (size limit, BOM, form fields, error messages), the hookType an event names, and nesting depth. */
import { MAX_BODY_CHARS, MAX_NESTING, eventHookType, nestingDepth, parseDelivery, type RawDelivery } from '../../src/core/delivery';

const FORM = 'application/x-www-form-urlencoded';
const raw = (contents: string, contentType = 'application/json', parameter: Record<string, string> = {}): RawDelivery => ({
  contents,
  contentType,
  parameter,
});
const jsonError = (text: string): string => {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${text} parses`);
};

describe('parseDelivery: body size', () => {
  it('refuses a body one character over the limit, naming both sizes', () => {
    expect(parseDelivery(raw(`"${'a'.repeat(MAX_BODY_CHARS - 1)}"`))).toEqual({
      ok: false,
      code: 'body_too_large',
      message: 'The body has 2000001 characters; at most 2000000 are accepted.',
    });
  });
  it('accepts a body of exactly the limit', () => {
    const text = 'a'.repeat(MAX_BODY_CHARS - 2);
    expect(parseDelivery(raw(`"${text}"`))).toEqual({ ok: true, events: [text] });
  });
});

describe('parseDelivery: what counts as no body', () => {
  it('treats a missing body like an empty one', () => {
    const missing = { contentType: 'application/json', parameter: {} } as unknown as RawDelivery;
    expect(parseDelivery(missing)).toEqual({
      ok: false,
      code: 'empty_body',
      message: 'The request has no body. iClosed sends the event as JSON in the POST body.',
    });
  });
  it('treats white space alone as no body', () => {
    expect(parseDelivery(raw(' \n\t '))).toMatchObject({ ok: false, code: 'empty_body' });
  });
  it('reads an empty payload field as no body', () => {
    expect(parseDelivery(raw('payload=', FORM, { payload: '' }))).toMatchObject({ ok: false, code: 'empty_body' });
  });
});

describe('parseDelivery: JSON errors and empty arrays', () => {
  it("quotes JSON.parse's own message for the text as sent", () => {
    expect(parseDelivery(raw('{"a":'))).toEqual({
      ok: false,
      code: 'invalid_json',
      message: `The body is not valid JSON (${jsonError('{"a":')}).`,
    });
  });
  it('explains an empty array', () => {
    expect(parseDelivery(raw(' [] '))).toEqual({
      ok: false,
      code: 'no_events',
      message: 'The body is an empty JSON array: there is no event to write.',
    });
  });
  it('reads a body with no content type as JSON text', () => {
    const noType = { contents: 'hello', parameter: {} } as unknown as RawDelivery;
    expect(parseDelivery(noType)).toEqual({
      ok: false,
      code: 'invalid_json',
      message: `The body is not valid JSON (${jsonError('hello')}).`,
    });
    expect(parseDelivery({ contents: '{"a":1}', parameter: {} } as unknown as RawDelivery)).toEqual({ ok: true, events: [{ a: 1 }] });
  });
});

describe('parseDelivery: byte order mark', () => {
  it('drops a leading BOM before parsing', () => {
    expect(parseDelivery(raw('\uFEFF{"a":1}'))).toEqual({ ok: true, events: [{ a: 1 }] });
    expect(parseDelivery(raw('\uFEFF[{"a":1},{"a":2}]', FORM, { other: 'x' }))).toEqual({ ok: true, events: [{ a: 1 }, { a: 2 }] });
  });
  it('keeps a BOM that is not the first character (invalid JSON)', () => {
    expect(parseDelivery(raw('{"a":1}\uFEFF'))).toMatchObject({ ok: false, code: 'invalid_json' });
  });
});

describe('parseDelivery: form bodies', () => {
  it('prefers a body that is already JSON (after white space) over any form field', () => {
    expect(parseDelivery(raw('  {"a":1}', FORM, { payload: '[2]' }))).toEqual({ ok: true, events: [{ a: 1 }] });
    expect(parseDelivery(raw('\n[3]', FORM, { payload: '[2]' }))).toEqual({ ok: true, events: [3] });
  });
  it('reads the payload field whatever the case of the content type', () => {
    expect(parseDelivery(raw('payload=x', 'Application/X-WWW-Form-Urlencoded; charset=UTF-8', { payload: '{"a":1}' }))).toEqual({
      ok: true,
      events: [{ a: 1 }],
    });
  });
  it('reads the payload field of a multipart body', () => {
    expect(parseDelivery(raw('--b\r\n...', 'Multipart/Form-Data; boundary=b', { payload: '[{"m":1}]' }))).toEqual({
      ok: true,
      events: [{ m: 1 }],
    });
  });
  it('reads the only form field other than token and hook', () => {
    expect(parseDelivery(raw('token=t&data=x', FORM, { token: 't', data: '{"a":1}' }))).toEqual({ ok: true, events: [{ a: 1 }] });
    expect(parseDelivery(raw('hook=h&data=x', FORM, { hook: 'callBooked', data: '{"b":2}' }))).toEqual({ ok: true, events: [{ b: 2 }] });
    expect(parseDelivery(raw('x', FORM, { token: 't', hook: 'h', data: '{"c":3}' }))).toEqual({ ok: true, events: [{ c: 3 }] });
  });
  it('reads a JSON body sent as a form as the one key with an empty value', () => {
    expect(parseDelivery(raw('', FORM, { '{"a":1}': '' }))).toEqual({ ok: true, events: [{ a: 1 }] });
  });
  it('falls back to the body itself when two form fields could hold the payload', () => {
    expect(parseDelivery(raw('a=1&b=2', FORM, { a: '{"x":1}', b: '{"y":2}' }))).toEqual({
      ok: false,
      code: 'invalid_json',
      message: `The body is not valid JSON (${jsonError('a=1&b=2')}).`,
    });
  });
  it('ignores form fields unless the content type is a form', () => {
    expect(parseDelivery(raw('data=x', 'text/plain', { data: '{"a":1}' }))).toMatchObject({ ok: false, code: 'invalid_json' });
    expect(parseDelivery(raw('data=x', 'text/plain', { payload: '{"a":1}' }))).toMatchObject({ ok: false, code: 'invalid_json' });
  });
  it('reads no form field when only token and hook are there', () => {
    expect(parseDelivery(raw('token=t&hook=h', FORM, { token: 't', hook: 'h' }))).toMatchObject({ ok: false, code: 'invalid_json' });
  });
});

describe('eventHookType', () => {
  it('reads hookType, trimmed', () => {
    expect(eventHookType({ hookType: '  callBooked \n' })).toBe('callBooked');
  });
  it('falls back to hook_type only when hookType is absent or null', () => {
    expect(eventHookType({ hook_type: ' contactCreated ' })).toBe('contactCreated');
    expect(eventHookType({ hookType: null, hook_type: 'x' })).toBe('x');
    expect(eventHookType({ hookType: '', hook_type: 'x' })).toBeNull();
  });
  it('names no hook for blank or non-text values and for non-objects', () => {
    expect(eventHookType({ hookType: '   ' })).toBeNull();
    expect(eventHookType({ hookType: 5 })).toBeNull();
    expect(eventHookType({})).toBeNull();
    expect(eventHookType([{ hookType: 'callBooked' }])).toBeNull();
    expect(eventHookType(null)).toBeNull();
    expect(eventHookType('callBooked')).toBeNull();
  });
});

describe('nestingDepth', () => {
  const chain = (levels: number): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < levels; i += 1) value = i % 2 ? [value] : { a: value };
    return value;
  };
  it('counts each object or array level; scalars and null are 0', () => {
    expect(nestingDepth(1)).toBe(0);
    expect(nestingDepth(null)).toBe(0);
    expect(nestingDepth('x')).toBe(0);
    expect(nestingDepth({})).toBe(1);
    expect(nestingDepth({ a: null })).toBe(1);
    expect(nestingDepth(chain(5))).toBe(5);
  });
  it('takes the deepest branch, wherever it is', () => {
    expect(nestingDepth({ a: { b: { c: 1 } }, d: 1 })).toBe(3);
    expect(nestingDepth({ d: 1, e: [], a: { b: { c: [] } } })).toBe(4);
    expect(nestingDepth([[[]], []])).toBe(3);
  });
  it('stops one level past the limit', () => {
    expect(nestingDepth(chain(10), 3)).toBe(4);
    expect(nestingDepth(chain(3), 3)).toBe(3);
    expect(nestingDepth(chain(MAX_NESTING))).toBe(64);
    expect(nestingDepth(chain(200))).toBe(65);
  });
});
