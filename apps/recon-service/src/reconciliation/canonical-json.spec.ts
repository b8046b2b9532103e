import { createHash } from 'node:crypto';
import { canonicalJson, hashRunData } from './canonical-json';

async function* rows<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

describe(canonicalJson.name, () => {
  it('sorts keys, drops absent members and writes no whitespace', () => {
    expect(canonicalJson({ b: '1.00', a: [3, { z: true, y: null, x: undefined }], c: 'é\n' })).toBe('{"a":[3,{"z":true}],"b":"1.00","c":"é\\n"}');
  });

  it('is the same text whatever order the keys were built in', () => {
    expect(canonicalJson({ kind: 'x', amount: '1.00' })).toBe(canonicalJson({ amount: '1.00', kind: 'x' }));
  });

  it('refuses fractional numbers, so money can only be a decimal string', () => {
    expect(() => canonicalJson({ amount: 0.1 })).toThrow(/safe integers/);
    expect(() => canonicalJson({ amount: 10n })).toThrow(/bigint/);
  });
});

describe(hashRunData.name, () => {
  it('hashes exactly the canonical JSON of the whole object, streamed', async () => {
    const run = { asOf: '2026-10-31', totals: { source: '1.00' } };
    const customers = [{ customerId: 'c1', totals: { difference: '0.00' } }];
    const discrepancies = [{ kind: 'missing_in_qbo', difference: '1.00' }, { kind: 'missing_in_source', difference: '-2.00' }];

    const sut = await hashRunData(run, rows(customers), rows(discrepancies));

    const whole = canonicalJson({ run, discrepancies, customers });
    expect(sut).toBe(createHash('sha256').update(whole).digest('hex'));
  });
});
