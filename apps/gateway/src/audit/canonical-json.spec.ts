import fc from 'fast-check';
import { canonicalJson } from './canonical-json';

describe(canonicalJson.name, () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: null }], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":1}]},"b":1}');
  });

  it('writes dates as ISO instants and non-finite numbers as null', () => {
    expect(canonicalJson({ at: new Date('2026-10-31T17:04:05.123Z'), n: Number.NaN })).toBe('{"at":"2026-10-31T17:04:05.123Z","n":null}');
  });

  it('is independent of key order, and stable through JSON.parse (how the audit log stores and re-reads rows)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const sut = canonicalJson(value);
        expect(canonicalJson(JSON.parse(sut))).toBe(sut);
        expect(JSON.parse(sut)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
