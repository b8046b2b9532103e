import { Money } from '../money/money';
import type { QboItem, SourceItem } from './ledger-item';
import { reconcile, type ReconcileInput } from './reconcile';

const AS_OF = '2026-10-31';
const usd = (text: string) => Money.parse(text, 'USD');
const cents = (text: string) => usd(text).toMinorUnits();

/** A source invoice open in full, due on `dueDate`. */
const src = (
  id: string,
  amount: string,
  o: Partial<SourceItem> = {},
): SourceItem => ({
  kind: 'invoice',
  id,
  customerId: 'cus-1',
  number: id.toUpperCase(),
  txnDate: '2026-10-01',
  dueDate: '2026-10-31',
  totalMinor: cents(amount),
  openMinor: cents(amount),
  qboId: `q-${id}`,
  ...o,
});
/** Its QuickBooks twin, as the sync-service would have pushed it. */
const twin = (item: SourceItem, o: Partial<QboItem> = {}): QboItem => ({
  kind: item.kind,
  id: item.qboId ?? `q-${item.id}`,
  customerId: '58',
  number: item.number,
  txnDate: item.txnDate,
  dueDate: item.dueDate,
  totalMinor: item.totalMinor,
  openMinor: item.openMinor,
  ...o,
});
const run = (
  source: SourceItem[],
  qbo: QboItem[],
  o: Partial<ReconcileInput> = {},
) =>
  reconcile({
    asOf: AS_OF,
    currency: 'USD',
    source,
    qbo,
    customerLinks: new Map([
      ['cus-1', '58'],
      ['cus-2', '59'],
    ]),
    ...o,
  });
const bucket = (sut: ReturnType<typeof run>, id: string) => {
  const row = sut.buckets.find((b) => b.bucket === id);
  return (
    row && [
      row.source.toString(),
      row.qbo.toString(),
      row.difference.toString(),
    ]
  );
};

describe(reconcile.name, () => {
  it('finds two agreeing books in sync, with every bucket tied out', () => {
    const source = [
      src('a', '100.00'),
      src('b', '250.10', { dueDate: '2026-10-10' }),
      src('c', '-40.00', {
        kind: 'credit-memo',
        totalMinor: cents('40.00'),
        dueDate: '2026-07-01',
        txnDate: '2026-07-01',
      }),
    ];
    const sut = run(
      source,
      source.map((item) => twin(item)),
    );

    expect(sut.status).toBe('in_sync');
    expect(sut.discrepancies).toEqual([]);
    expect(sut.violations).toEqual([]);
    expect(sut.buckets.map((b) => b.bucket)).toEqual([
      'current',
      '1-30',
      '31-60',
      '61-90',
      '91+',
    ]);
    expect(bucket(sut, 'current')).toEqual(['100.00', '100.00', '0.00']);
    expect(bucket(sut, '1-30')).toEqual(['250.10', '250.10', '0.00']);
    expect(bucket(sut, '91+')).toEqual(['-40.00', '-40.00', '0.00']);
    expect(sut.totals.source.toString()).toBe('310.10');
    expect(sut.matching.pairsByPass.link).toBe(3);
  });

  it('classifies every kind of drift, with amounts, buckets and an action for each', () => {
    const [missing, amount, balance, customer, voided, due, dup] = [
      src('missing', '10.00'),
      src('amount', '200.00'),
      src('balance', '300.00'),
      src('customer', '400.00'),
      src('voided', '500.00'),
      src('due', '600.00', { dueDate: '2026-09-15' }),
      src('dup', '700.00'),
    ];
    const qbo = [
      twin(amount, { totalMinor: cents('210.00'), openMinor: cents('210.00') }),
      twin(balance, { openMinor: cents('120.00') }),
      twin(customer, { customerId: '59' }),
      twin(voided, { voided: true, totalMinor: 0n, openMinor: 0n }),
      twin(due, { dueDate: '2026-10-31' }),
      twin(dup),
      twin(dup, { id: 'q-dup-2' }),
      { ...twin(src('extra', '80.00')), id: 'q-extra', number: 'EXTRA-1' },
    ];
    const sut = run(
      [missing, amount, balance, customer, voided, due, dup],
      qbo,
    );

    const found = sut.discrepancies.map((d) => [
      d.kind,
      d.sourceId ?? null,
      d.qboId ?? null,
      d.difference.toString(),
      d.bucket,
    ]);
    expect(found).toEqual([
      ['missing_in_qbo', 'missing', 'q-missing', '10.00', 'current'],
      ['missing_in_source', null, 'q-extra', '-80.00', 'current'],
      ['duplicate_in_qbo', null, 'q-dup-2', '-700.00', 'current'],
      ['voided_in_qbo', 'voided', 'q-voided', '500.00', 'current'],
      ['customer_mismatch', 'customer', 'q-customer', '0.00', 'current'],
      ['amount_mismatch', 'amount', 'q-amount', '-10.00', 'current'],
      ['balance_mismatch', 'balance', 'q-balance', '180.00', 'current'],
      ['bucket_mismatch', 'due', 'q-due', '0.00', '31-60'],
    ]);
    expect(
      sut.discrepancies.find((d) => d.kind === 'bucket_mismatch')?.qboBucket,
    ).toBe('current');
    expect(
      sut.discrepancies.every(
        (d) => d.suggestedAction.length > 20 && d.note.length > 10,
      ),
    ).toBe(true);
    expect(sut.status).toBe('out_of_sync');
    expect(sut.discrepancyCounts).toEqual({
      missing_in_qbo: 1,
      missing_in_source: 1,
      duplicate_in_qbo: 1,
      voided_in_qbo: 1,
      customer_mismatch: 1,
      amount_mismatch: 1,
      balance_mismatch: 1,
      bucket_mismatch: 1,
    });

    // Expected buckets, computed by hand: the source has 10+200+300+400+500+700 current and 600 in 31-60 (due 09-15,
    // 46 days); QuickBooks has 210+120+400+0+600+700+700+80 current.
    expect(bucket(sut, 'current')).toEqual(['2110.00', '2810.00', '-700.00']);
    expect(bucket(sut, '31-60')).toEqual(['600.00', '0.00', '600.00']);
    expect(sut.totals.difference.toString()).toBe('-100.00');
    const flagged = sut.discrepancies.reduce(
      (sum, d) => sum.plus(d.difference),
      Money.zero('USD'),
    );
    expect(flagged.toString()).toBe('-100.00');
    expect(sut.violations).toEqual([]);
  });

  it('puts customers side by side, QuickBooks-only customers after the linked ones', () => {
    const a = src('a', '100.00');
    const sut = run(
      [a],
      [
        twin(a),
        {
          ...twin(src('x', '5.00')),
          id: 'q-x',
          customerId: '77',
          number: 'X-1',
        },
      ],
    );

    expect(
      sut.customers.map((c) => [
        c.customerId ?? null,
        c.qboCustomerId,
        c.totals.difference.toString(),
        c.differs,
      ]),
    ).toEqual([
      ['cus-1', '58', '0.00', false],
      [null, '77', '-5.00', true],
    ]);
  });

  it('does not flag differences within the tolerance, but still counts them', () => {
    const a = src('a', '100.00');
    const sut = run(
      [a],
      [twin(a, { totalMinor: cents('100.01'), openMinor: cents('100.01') })],
      {
        tolerance: usd('0.05'),
      },
    );

    expect(sut.discrepancies).toEqual([]);
    expect(sut.toleratedDifference.toString()).toBe('-0.01');
    expect(sut.totals.difference.toString()).toBe('-0.01');
    expect(sut.violations).toEqual([]);
  });

  it('compares only totals before the in-sync point: one opening-balance difference per customer and bucket', () => {
    const opening = [
      src('old-1', '100.00', {
        opening: true,
        qboId: undefined,
        txnDate: '2026-03-01',
        dueDate: '2026-03-31',
      }),
      src('old-2', '50.00', {
        opening: true,
        qboId: undefined,
        txnDate: '2026-03-02',
        dueDate: '2026-04-01',
      }),
    ];
    const qboOpening: QboItem = {
      kind: 'invoice',
      id: '900',
      customerId: '58',
      number: 'OB-1',
      txnDate: '2026-02-28',
      dueDate: '2026-02-28',
      totalMinor: cents('140.00'),
      openMinor: cents('140.00'),
    };
    const after = src('new', '75.00', { txnDate: '2026-10-01' });
    const sut = run([...opening, after], [qboOpening, twin(after)], {
      inSyncPoint: '2026-06-01',
    });

    expect(
      sut.discrepancies.map((d) => [
        d.kind,
        d.sourceId ?? null,
        d.qboId ?? null,
        d.sourceAmount?.toString(),
        d.qboAmount?.toString(),
        d.bucket,
      ]),
    ).toEqual([['balance_mismatch', null, null, '150.00', '140.00', '91+']]);
    expect(sut.matching.openingSource).toBe(2);
    expect(sut.matching.openingQbo).toBe(1);
    expect(sut.opening.source.toString()).toBe('150.00');
    expect(bucket(sut, '91+')).toEqual(['150.00', '140.00', '10.00']);
    expect(sut.violations).toEqual([]);
  });

  it('ages by issue date when asked', () => {
    const a = src('a', '100.00', {
      txnDate: '2026-08-01',
      dueDate: '2026-10-31',
    });
    const sut = run([a], [twin(a)], { basis: 'issue_date' });

    expect(bucket(sut, '91+')).toEqual(['100.00', '100.00', '0.00']);
  });

  it('explains a QuickBooks-only document that the source ledger knows under another state', () => {
    const extra: QboItem = { ...twin(src('gone', '20.00')), id: 'q-gone' };
    const sut = run([], [extra], {
      linkedSources: new Map([
        ['invoice:q-gone', { sourceId: 'gone', state: 'cancelled' }],
      ]),
    });

    expect(sut.discrepancies[0]).toMatchObject({
      kind: 'missing_in_source',
      sourceId: 'gone',
      note: expect.stringContaining('cancelled'),
    });
  });

  it('refuses a negative tolerance or one in another currency', () => {
    expect(() => run([], [], { tolerance: usd('-1') })).toThrow(/negative/);
    expect(() => run([], [], { tolerance: Money.parse('1', 'EUR') })).toThrow(
      /USD and EUR/,
    );
  });
});
