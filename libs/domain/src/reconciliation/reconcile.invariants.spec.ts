import fc from 'fast-check';
import { addDays } from '../aging/calendar-day';
import { Money } from '../money/money';
import type { QboItem, SourceItem, TxnKind } from './ledger-item';
import { reconcile } from './reconcile';

const AS_OF = '2026-10-31';
const CUSTOMERS = ['cus-1', 'cus-2', 'cus-3'];
const customerLinks = new Map([
  ['cus-1', '58'],
  ['cus-2', '59'],
]);

type Drift =
  | 'none'
  | 'missing_in_qbo'
  | 'amount'
  | 'balance'
  | 'customer'
  | 'void'
  | 'due'
  | 'duplicate'
  | 'unlinked';

/** A random document and what QuickBooks made of it; plus QuickBooks-only documents. */
const documentArb = fc.record({
  kind: fc.constantFrom<TxnKind>(
    'invoice',
    'invoice',
    'credit-memo',
    'payment',
  ),
  customer: fc.constantFrom(...CUSTOMERS),
  totalMinor: fc.bigInt({ min: 0n, max: 10n ** 9n }),
  paidPermille: fc.integer({ min: 0, max: 1000 }),
  issuedDaysAgo: fc.integer({ min: 0, max: 200 }),
  termsDays: fc.constantFrom(0, 15, 30, 60),
  drift: fc.constantFrom<Drift>(
    'none',
    'none',
    'none',
    'missing_in_qbo',
    'amount',
    'balance',
    'customer',
    'void',
    'due',
    'duplicate',
    'unlinked',
  ),
  driftMinor: fc.bigInt({ min: -(10n ** 6n), max: 10n ** 6n }),
  opening: fc.boolean(),
});
const ledgerArb = fc.record({
  documents: fc.array(documentArb, { maxLength: 60 }),
  extras: fc.array(documentArb, { maxLength: 5 }),
  toleranceMinor: fc.constantFrom(0n, 0n, 5n, 100n),
  inSyncPoint: fc.option(fc.constantFrom('2026-06-01', '2026-09-15'), {
    nil: null,
  }),
});

type Ledger = typeof ledgerArb extends fc.Arbitrary<infer T> ? T : never;

function build(ledger: Ledger): {
  source: SourceItem[];
  qbo: QboItem[];
} {
  const source: SourceItem[] = [];
  const qbo: QboItem[] = [];
  ledger.documents.forEach((doc, index) => {
    const txnDate = addDays(AS_OF, -doc.issuedDaysAgo);
    const sign = doc.kind === 'invoice' ? 1n : -1n;
    const open =
      (sign * doc.totalMinor * BigInt(1000 - doc.paidPermille)) / 1000n;
    const opening =
      ledger.inSyncPoint !== null &&
      doc.opening &&
      txnDate < ledger.inSyncPoint;
    const item: SourceItem = {
      kind: doc.kind,
      id: `s-${index}`,
      customerId: doc.customer,
      number: doc.kind === 'payment' ? undefined : `N-${index}`,
      txnDate,
      dueDate:
        doc.kind === 'invoice' ? addDays(txnDate, doc.termsDays) : txnDate,
      totalMinor: doc.totalMinor,
      openMinor: open,
      qboId: opening || doc.drift === 'unlinked' ? undefined : `q-${index}`,
      opening,
    };
    source.push(item);
    if (doc.drift === 'missing_in_qbo') return;
    const twin: QboItem = {
      kind: item.kind,
      id: `q-${index}`,
      customerId: customerLinks.get(doc.customer) ?? '99',
      number: item.number,
      txnDate: item.txnDate,
      dueDate: item.dueDate,
      totalMinor: item.totalMinor,
      openMinor: item.openMinor,
    };
    if (doc.drift === 'amount') {
      twin.totalMinor += doc.driftMinor < 0n ? -doc.driftMinor : doc.driftMinor;
      twin.openMinor +=
        sign * (doc.driftMinor < 0n ? -doc.driftMinor : doc.driftMinor);
    }
    if (doc.drift === 'balance') twin.openMinor += doc.driftMinor;
    if (doc.drift === 'customer')
      twin.customerId = twin.customerId === '58' ? '59' : '58';
    if (doc.drift === 'void')
      Object.assign(twin, { voided: true, totalMinor: 0n, openMinor: 0n });
    if (doc.drift === 'due') twin.dueDate = addDays(twin.dueDate, 45);
    qbo.push(twin);
    if (doc.drift === 'duplicate') qbo.push({ ...twin, id: `q-${index}-dup` });
  });
  ledger.extras.forEach((doc, index) => {
    const txnDate = addDays(AS_OF, -doc.issuedDaysAgo);
    const sign = doc.kind === 'invoice' ? 1n : -1n;
    qbo.push({
      kind: doc.kind,
      id: `x-${index}`,
      customerId: customerLinks.get(doc.customer) ?? '98',
      number: `X-${index}`,
      txnDate,
      dueDate: txnDate,
      totalMinor: doc.totalMinor,
      openMinor: sign * doc.totalMinor,
    });
  });
  return { source, qbo };
}

const sum = (values: readonly bigint[]) => values.reduce((a, b) => a + b, 0n);

describe('reconciliation invariants (random ledgers, every drift)', () => {
  it('ties out to the cent: Σ source − Σ QuickBooks = Σ bucket differences = Σ discrepancies + tolerated', () => {
    fc.assert(
      fc.property(ledgerArb, (ledger) => {
        const { source, qbo } = build(ledger);
        const sut = reconcile({
          asOf: AS_OF,
          currency: 'USD',
          source,
          qbo,
          customerLinks,
          inSyncPoint: ledger.inSyncPoint,
          tolerance: Money.fromMinorUnits(ledger.toleranceMinor, 'USD'),
        });

        expect(sut.violations).toEqual([]);
        expect(sut.tieOut.ok).toBe(true);
        const expected =
          sum(source.map((i) => i.openMinor)) -
          sum(qbo.map((i) => i.openMinor));
        expect(sut.totals.difference.toMinorUnits()).toBe(expected);
        expect(sum(sut.buckets.map((b) => b.difference.toMinorUnits()))).toBe(
          expected,
        );
        const flagged = sum(
          sut.discrepancies.map((d) => d.difference.toMinorUnits()),
        );
        expect(flagged + sut.toleratedDifference.toMinorUnits()).toBe(expected);
        for (const d of sut.discrepancies) {
          const sourceAmount = d.sourceAmount?.toMinorUnits() ?? 0n;
          const qboAmount = d.qboAmount?.toMinorUnits() ?? 0n;
          expect(d.difference.toMinorUnits()).toBe(sourceAmount - qboAmount);
        }
        expect(sut.status).toBe(
          sut.discrepancies.length === 0 ? 'in_sync' : 'out_of_sync',
        );
      }),
      { numRuns: 300 },
    );
  });

  it('never uses a document twice and accounts for every one', () => {
    fc.assert(
      fc.property(ledgerArb, (ledger) => {
        const { source, qbo } = build(ledger);
        const sut = reconcile({
          asOf: AS_OF,
          currency: 'USD',
          source,
          qbo,
          customerLinks,
          inSyncPoint: ledger.inSyncPoint,
        });

        const m = sut.matching;
        const pairs = Object.values(m.pairsByPass).reduce((a, b) => a + b, 0);
        expect(pairs + m.unmatchedSource + m.openingSource).toBe(source.length);
        expect(pairs + m.unmatchedQbo + m.openingQbo).toBe(qbo.length);
        const perDocument = sut.discrepancies.filter(
          (d) => d.txnKind !== undefined,
        );
        const sourceIds = perDocument
          .filter(
            (d) =>
              d.kind !== 'missing_in_source' && d.kind !== 'duplicate_in_qbo',
          )
          .map((d) => d.sourceId);
        expect(new Set(sourceIds).size).toBe(sourceIds.length);
        const qboIds = perDocument
          .map((d) => d.qboId)
          .filter((id) => id !== undefined);
        expect(new Set(qboIds).size).toBe(qboIds.length);
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic: shuffling the input changes nothing', () => {
    fc.assert(
      fc.property(ledgerArb, fc.integer(), (ledger, seed) => {
        const { source, qbo } = build(ledger);
        const shuffle = <T>(items: T[]): T[] => {
          const copy = [...items];
          let state = seed >>> 0;
          for (let i = copy.length - 1; i > 0; i--) {
            state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
            const j = state % (i + 1);
            [copy[i], copy[j]] = [copy[j], copy[i]];
          }
          return copy;
        };
        const render = (s: SourceItem[], q: QboItem[]) => {
          const r = reconcile({
            asOf: AS_OF,
            currency: 'USD',
            source: s,
            qbo: q,
            customerLinks,
            inSyncPoint: ledger.inSyncPoint,
          });
          return JSON.stringify({
            buckets: r.buckets,
            customers: r.customers,
            totals: r.totals,
            counts: r.discrepancyCounts,
          });
        };

        expect(render(shuffle(source), shuffle(qbo))).toBe(render(source, qbo));
      }),
      { numRuns: 100 },
    );
  });
});
