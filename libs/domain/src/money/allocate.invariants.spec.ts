import fc from 'fast-check';
import { allocate } from './allocate';
import { Money } from './money';

const currencies = fc.constantFrom('USD', 'JPY', 'KWD', 'CLF');
const totals = fc
  .tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), currencies)
  .map(([units, currency]) => Money.fromMinorUnits(units, currency));
/** Weights as decimal strings with up to 4 fraction digits, at least one of them positive. */
const weights = fc
  .array(
    fc.tuple(
      fc.bigInt({ min: 0n, max: 10n ** 12n }),
      fc.integer({ min: 0, max: 4 }),
    ),
    { minLength: 1, maxLength: 25 },
  )
  .filter((ws) => ws.some(([units]) => units > 0n))
  .map((ws) =>
    ws.map(([units, scale]) => ({
      text: toDecimal(units, scale),
      units,
      scale,
    })),
  );

function toDecimal(units: bigint, scale: number): string {
  const digits = units.toString().padStart(scale + 1, '0');
  return scale === 0
    ? digits
    : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

describe('allocate invariants', () => {
  it('sums back to the whole, to the minor unit', () => {
    fc.assert(
      fc.property(totals, weights, (total, ws) => {
        const sut = allocate(
          total,
          ws.map((w) => w.text),
        );

        expect(Money.sum(sut, total.currency).equals(total)).toBe(true);
        expect(sut).toHaveLength(ws.length);
      }),
    );
  });

  it('keeps every part within less than one minor unit of its exact share', () => {
    fc.assert(
      fc.property(totals, weights, (total, ws) => {
        const sut = allocate(
          total,
          ws.map((w) => w.text),
        );
        // exact share_i = T·w_i / W; on a common scale: |part_i·W − T·w_i| < W  ⇔  |part_i − share_i| < 1 unit
        const maxScale = Math.max(...ws.map((w) => w.scale));
        const scaled = ws.map(
          (w) => w.units * 10n ** BigInt(maxScale - w.scale),
        );
        const weightSum = scaled.reduce((a, b) => a + b, 0n);
        const totalUnits = total.toMinorUnits();
        sut.forEach((part, i) => {
          const gap = part.toMinorUnits() * weightSum - totalUnits * scaled[i];
          expect(gap < 0n ? -gap : gap).toBeLessThan(weightSum);
        });
      }),
    );
  });

  it('is deterministic and mirrors under negation', () => {
    fc.assert(
      fc.property(totals, weights, (total, ws) => {
        const texts = ws.map((w) => w.text);

        const sut = allocate(total, texts).map(String);

        expect(allocate(total, texts).map(String)).toEqual(sut);
        expect(
          allocate(total.negate(), texts).map((part) =>
            part.negate().toString(),
          ),
        ).toEqual(sut);
      }),
    );
  });
});
