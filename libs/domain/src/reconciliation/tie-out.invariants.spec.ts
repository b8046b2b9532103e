import fc from 'fast-check';
import { Money } from '../money/money';
import { checkTieOut, compareBuckets } from './tie-out';

const ORDER = ['current', '1-30', '31-60', '61-90', '91+'];

/** A random ledger: open amounts on each side, each in some bucket. */
const ledger = fc.array(
  fc.record({
    side: fc.constantFrom('source' as const, 'qbo' as const),
    bucket: fc.constantFrom(...ORDER),
    units: fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n }),
  }),
  { maxLength: 300 },
);

function bucketTotals(
  entries: { side: 'source' | 'qbo'; bucket: string; units: bigint }[],
  side: 'source' | 'qbo',
): Map<string, Money> {
  const totals = new Map<string, Money>();
  for (const entry of entries.filter((e) => e.side === side)) {
    totals.set(
      entry.bucket,
      (totals.get(entry.bucket) ?? Money.zero('USD')).plus(
        Money.fromMinorUnits(entry.units, 'USD'),
      ),
    );
  }
  return totals;
}

describe('tie-out invariants', () => {
  it('holds on every ledger: Σ source − Σ qbo = Σ differences, to the cent', () => {
    fc.assert(
      fc.property(ledger, (entries) => {
        const rows = compareBuckets(
          ORDER,
          bucketTotals(entries, 'source'),
          bucketTotals(entries, 'qbo'),
          'USD',
        );

        const sut = checkTieOut(rows, 'USD');

        expect(sut.ok).toBe(true);
        const sourceUnits = entries
          .filter((e) => e.side === 'source')
          .reduce((sum, e) => sum + e.units, 0n);
        const qboUnits = entries
          .filter((e) => e.side === 'qbo')
          .reduce((sum, e) => sum + e.units, 0n);
        expect(sut.totals.difference.toMinorUnits()).toBe(
          sourceUnits - qboUnits,
        );
      }),
    );
  });

  it('catches a difference moved by a single cent and names its bucket', () => {
    fc.assert(
      fc.property(
        ledger,
        fc.constantFrom(...ORDER),
        fc.constantFrom(1n, -1n),
        (entries, bucket, cents) => {
          const rows = compareBuckets(
            ORDER,
            bucketTotals(entries, 'source'),
            bucketTotals(entries, 'qbo'),
            'USD',
          );
          const tampered = rows.map((row) =>
            row.bucket === bucket
              ? {
                  ...row,
                  difference: row.difference.plus(
                    Money.fromMinorUnits(cents, 'USD'),
                  ),
                }
              : row,
          );

          const sut = checkTieOut(tampered, 'USD');

          expect(sut.ok).toBe(false);
          expect(!sut.ok && sut.violations.map((v) => v.total)).toEqual([
            `bucket ${bucket} difference`,
            'Σ difference',
          ]);
        },
      ),
    );
  });
});
