/** flattenEvent: dot paths, depth limit, empty keys and objects, leaf values, and colliding paths settled by nesting. */
import { runInNewContext } from 'node:vm';
import { MAX_FLATTEN_DEPTH, fieldValue, flattenEvent, isPlainObject } from '../../src/core/flatten';

describe('flattenEvent: paths', () => {
  it('joins nested keys with dots, in key order', () => {
    expect(flattenEvent({ a: 1, b: { c: 'x', d: { e: true } } })).toEqual([
      { path: 'a', value: 1 },
      { path: 'b.c', value: 'x' },
      { path: 'b.d.e', value: true },
    ]);
  });
  it('gives an empty object no field at the top and a null field below it', () => {
    expect(flattenEvent({})).toEqual([]);
    expect(flattenEvent({ a: {}, b: 1 })).toEqual([
      { path: 'a', value: null },
      { path: 'b', value: 1 },
    ]);
  });
  it('names an empty key "(empty)"', () => {
    expect(flattenEvent({ '': 1, a: { '': 2 } })).toEqual([
      { path: '(empty)', value: 1 },
      { path: 'a.(empty)', value: 2 },
    ]);
  });
  it('keeps __proto__ as a plain key', () => {
    expect(flattenEvent(JSON.parse('{"__proto__":{"x":1}}'))).toEqual([{ path: '__proto__.x', value: 1 }]);
  });
  it('keeps a top-level scalar or array under "value"', () => {
    expect(flattenEvent(5)).toEqual([{ path: 'value', value: 5 }]);
    expect(flattenEvent([1, 'a'])).toEqual([{ path: 'value', value: '1, a' }]);
    expect(flattenEvent(null)).toEqual([{ path: 'value', value: null }]);
  });
});

describe('flattenEvent: depth', () => {
  it('keeps objects below maxDepth levels as compact JSON', () => {
    const event = { a: { b: { c: 1 } } };
    expect(flattenEvent(event, 2)).toEqual([{ path: 'a.b', value: '{"c":1}' }]);
    expect(flattenEvent(event, 3)).toEqual([{ path: 'a.b.c', value: 1 }]);
  });
  it('goes 8 levels deep by default', () => {
    let event: unknown = { leaf: 1 };
    for (let i = 0; i < MAX_FLATTEN_DEPTH - 1; i += 1) event = { k: event };
    expect(flattenEvent(event)).toEqual([{ path: 'k.k.k.k.k.k.k.leaf', value: 1 }]);
    expect(flattenEvent({ top: event })).toEqual([{ path: 'top.k.k.k.k.k.k.k', value: '{"leaf":1}' }]);
  });
  it('keeps an empty object at the depth limit as a null field', () => {
    expect(flattenEvent({ a: { b: {} } }, 2)).toEqual([{ path: 'a.b', value: null }]);
  });
});

describe('flattenEvent: leaf values', () => {
  it('joins an array of scalars with commas, null as empty', () => {
    expect(flattenEvent({ a: ['x', null, 2, true] })).toEqual([{ path: 'a', value: 'x, , 2, true' }]);
  });
  it('writes an empty array as null and other arrays as JSON', () => {
    expect(flattenEvent({ a: [], b: [{ x: 1 }], c: [[1]], d: [1, { y: 2 }] })).toEqual([
      { path: 'a', value: null },
      { path: 'b', value: '[{"x":1}]' },
      { path: 'c', value: '[[1]]' },
      { path: 'd', value: '[1,{"y":2}]' },
    ]);
  });
  it('writes undefined as null, non-finite numbers as text, other objects as JSON', () => {
    expect(flattenEvent({ u: undefined, n: NaN, i: -Infinity, f: 1.5, d: new Date(0) })).toEqual([
      { path: 'u', value: null },
      { path: 'n', value: 'NaN' },
      { path: 'i', value: '-Infinity' },
      { path: 'f', value: 1.5 },
      { path: 'd', value: '"1970-01-01T00:00:00.000Z"' },
    ]);
  });
});

describe('flattenEvent: colliding paths', () => {
  it('gives the plain path to the more nested field, whatever the key order', () => {
    expect(flattenEvent({ 'a.b': 1, a: { b: 2 } })).toEqual([
      { path: 'a.b #2', value: 1 },
      { path: 'a.b', value: 2 },
    ]);
    expect(flattenEvent({ a: { b: 2 }, 'a.b': 1 })).toEqual([
      { path: 'a.b', value: 2 },
      { path: 'a.b #2', value: 1 },
    ]);
  });
  it('ranks three fields on one path by nesting', () => {
    expect(flattenEvent({ 'a.b.c': 1, a: { 'b.c': 2, b: { c: 3 } } })).toEqual([
      { path: 'a.b.c #3', value: 1 },
      { path: 'a.b.c #2', value: 2 },
      { path: 'a.b.c', value: 3 },
    ]);
  });
  it('breaks a tie in nesting by the raw keys as JSON text, whatever the key order', () => {
    const expected = [
      { path: 'a.b.c #2', value: 1 },
      { path: 'a.b.c', value: 2 },
    ];
    expect(flattenEvent({ 'a.b': { c: 1 }, a: { 'b.c': 2 } })).toEqual(expected);
    expect(flattenEvent({ a: { 'b.c': 2 }, 'a.b': { c: 1 } })).toEqual([expected[1], expected[0]]);
  });
  it('leaves paths that do not repeat alone', () => {
    expect(flattenEvent({ 'a.b': 1, a: { c: 2 } })).toEqual([
      { path: 'a.b', value: 1 },
      { path: 'a.c', value: 2 },
    ]);
  });
});

describe('isPlainObject', () => {
  it('is true for objects from any realm, false for arrays, null and scalars', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(runInNewContext('({ a: 1 })'))).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(null)).toBe(false);
    expect(isPlainObject('x')).toBe(false);
  });
});

describe('fieldValue', () => {
  it("returns the first field's value on the path, or undefined", () => {
    const fields = [
      { path: 'a', value: 1 },
      { path: 'b', value: null },
      { path: 'a', value: 2 },
    ];
    expect(fieldValue(fields, 'a')).toBe(1);
    expect(fieldValue(fields, 'b')).toBeNull();
    expect(fieldValue(fields, 'c')).toBeUndefined();
  });
});
