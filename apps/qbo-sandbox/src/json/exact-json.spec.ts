import { Decimal } from 'decimal.js';
import { cloneJson, isJsonObject, parseExactJson, stringifyExactJson } from './exact-json';

describe('exact JSON', () => {
  it('keeps the source text of every number (no float on the way)', () => {
    const parsed = parseExactJson('{"a":0.1,"b":[1.10,-3e-2],"c":12345678901234567890.12,"d":"0.3"}');
    expect(isJsonObject(parsed)).toBe(true);
    const o = parsed as Record<string, unknown>;
    expect(Decimal.isDecimal(o['a'])).toBe(true);
    expect((o['a'] as Decimal).plus(new Decimal('0.2')).toFixed()).toBe('0.3');
    expect((o['c'] as Decimal).toFixed()).toBe('12345678901234567890.12');
    expect(o['d']).toBe('0.3');
  });

  it('round-trips: text in → same values out, with plain numbers allowed in responses', () => {
    const text = '{"x":1234567890123.45,"y":[true,null,"s"],"z":{"n":-0.5}}';
    expect(stringifyExactJson(parseExactJson(text))).toBe(text);
    expect(stringifyExactJson({ count: 3, skip: undefined, list: [1, undefined] })).toBe('{"count":3,"list":[1,null]}');
  });

  it('throws SyntaxError on malformed text', () => {
    expect(() => parseExactJson('{"a":')).toThrow(SyntaxError);
  });

  it('deep-copies objects and arrays but shares immutable Decimals', () => {
    type Nested = { a: { b: unknown[] } };
    const original = parseExactJson('{"a":{"b":[1]}}');
    const copy = cloneJson(original) as unknown as Nested;
    copy.a.b.push(2);
    expect((original as unknown as Nested).a.b).toHaveLength(1);
    expect(copy.a.b[0]).toBe((original as unknown as Nested).a.b[0]);
  });
});
