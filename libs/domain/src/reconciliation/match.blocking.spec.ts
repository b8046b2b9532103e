import type { QboItem, SourceItem } from './ledger-item';
import { MATCH_PASSES, matchItems } from './match';

/** The blocking keys: what shares a block, what never does, and blocks of many identical candidates. */
const payment = (id: string, overrides: Partial<SourceItem> = {}): SourceItem => ({
  kind: 'payment',
  id,
  customerId: 'cus-1',
  txnDate: '2026-10-01',
  dueDate: '2026-10-01',
  totalMinor: 999n,
  openMinor: -999n,
  ...overrides,
});
const qboPayment = (id: string, overrides: Partial<QboItem> = {}): QboItem => ({
  kind: 'payment',
  id,
  customerId: '58',
  txnDate: '2026-10-01',
  dueDate: '2026-10-01',
  totalMinor: 999n,
  openMinor: -999n,
  ...overrides,
});
const customerLinks = new Map([
  ['cus-1', '58'],
  ['cus-2', '59'],
]);
const passOf = (sut: ReturnType<typeof matchItems>, s: number) =>
  sut.partnerOfSource[s] === -1 ? undefined : MATCH_PASSES[sut.passOfSource[s]];

describe(`${matchItems.name}: blocking keys`, () => {
  it('customer_number: same kind, linked customer and number (case and blanks ignored), whatever the amount', () => {
    const sut = matchItems(
      [payment('s1', { kind: 'invoice', number: 'inv 1001 ', totalMinor: 500n })],
      [qboPayment('9', { kind: 'invoice', number: 'INV1001', totalMinor: 700n })],
      { customerLinks },
    );
    expect(passOf(sut, 0)).toBe('customer_number');
  });

  it('keeps a customer without a link out of the customer blocks: only number and amount can pair it', () => {
    const unlinked = { customerId: 'cus-unknown' };
    const byNumber = matchItems([payment('s1', { ...unlinked, kind: 'invoice', number: 'INV-1', totalMinor: 500n })], [qboPayment('9', { kind: 'invoice', number: 'INV-1', totalMinor: 700n })], { customerLinks });
    expect(passOf(byNumber, 0)).toBeUndefined();
    const byAmount = matchItems([payment('s1', { ...unlinked, kind: 'invoice', number: 'INV-1' })], [qboPayment('9', { kind: 'invoice', number: 'INV-1' })], { customerLinks });
    expect(passOf(byAmount, 0)).toBe('number_amount');
    const noNumber = matchItems([payment('s1', unlinked)], [qboPayment('9')], { customerLinks });
    expect(passOf(noNumber, 0)).toBeUndefined();
  });

  it('number_amount: any customer, but never another amount or kind', () => {
    const moved = { kind: 'invoice' as const, number: 'INV-7', customerId: '59' };
    expect(passOf(matchItems([payment('s1', { kind: 'invoice', number: 'INV-7' })], [qboPayment('9', moved)], { customerLinks }), 0)).toBe('number_amount');
    expect(passOf(matchItems([payment('s1', { kind: 'invoice', number: 'INV-7' })], [qboPayment('9', { ...moved, totalMinor: 1000n })], { customerLinks }), 0)).toBeUndefined();
    expect(passOf(matchItems([payment('s1', { kind: 'invoice', number: 'INV-7' })], [qboPayment('9', { ...moved, kind: 'credit-memo' })], { customerLinks }), 0)).toBeUndefined();
  });

  it('customer_amount_date: a reference-less payment needs the linked customer, the amount and the day', () => {
    expect(passOf(matchItems([payment('s1')], [qboPayment('9')], { customerLinks }), 0)).toBe('customer_amount_date');
    expect(passOf(matchItems([payment('s1')], [qboPayment('9', { txnDate: '2026-10-02' })], { customerLinks }), 0)).toBeUndefined();
    expect(passOf(matchItems([payment('s1')], [qboPayment('9', { customerId: '59' })], { customerLinks }), 0)).toBeUndefined();
    expect(passOf(matchItems([payment('s1')], [qboPayment('9', { totalMinor: 998n })], { customerLinks }), 0)).toBeUndefined();
  });

  it('keeps pre-cut-over QuickBooks documents and documents already paired by link out of every block', () => {
    const sut = matchItems(
      [payment('s1', { qboId: '9' }), payment('s2'), payment('s3', { txnDate: '2026-08-01' })],
      [qboPayment('9'), qboPayment('10', { txnDate: '2026-08-01' })],
      { customerLinks, inSyncPoint: '2026-09-01' },
    );
    expect(Array.from(sut.partnerOfSource)).toEqual([0, -1, -1]);
    expect(Array.from(sut.qboOpening)).toEqual([0, 1]);
  });

  it('within a block, prefers the same amount, then the nearest date, then input order', () => {
    const sut = matchItems(
      [payment('s1', { kind: 'invoice', number: 'INV-1', txnDate: '2026-10-10' })],
      [
        qboPayment('1', { kind: 'invoice', number: 'INV-1', totalMinor: 1n, txnDate: '2026-10-10' }),
        qboPayment('2', { kind: 'invoice', number: 'INV-1', txnDate: '2026-10-01' }),
        qboPayment('3', { kind: 'invoice', number: 'INV-1', txnDate: '2026-10-12' }),
        qboPayment('4', { kind: 'invoice', number: 'INV-1', txnDate: '2026-10-08' }),
      ],
      { customerLinks },
    );
    expect(sut.partnerOfSource[0]).toBe(2); // 2 days away; '4' is as near and later in the input
  });

  it('pairs a block of 50,000 identical reference-less payments one to one, in input order', () => {
    // One customer, one amount, one day: a single customer_amount_date block (a till's card payments, say).
    const n = 50_000;
    const source = Array.from({ length: n }, (_, i) => payment(`s${i}`));
    const qbo = Array.from({ length: n }, (_, i) => qboPayment(String(1000 + i)));
    const sut = matchItems(source, qbo, { customerLinks });
    expect(sut.pairsByPass.customer_amount_date).toBe(n);
    expect(sut.partnerOfSource.every((q, s) => q === s)).toBe(true);
  });

  it('still takes the nearest day among many candidates of the same amount', () => {
    const qbo = Array.from({ length: 2_000 }, (_, i) => qboPayment(String(i), { kind: 'invoice', number: 'INV-9', txnDate: i === 1_500 ? '2026-10-05' : '2026-06-01' }));
    const sut = matchItems([payment('s1', { kind: 'invoice', number: 'INV-9', txnDate: '2026-10-05' })], qbo, { customerLinks });
    expect(sut.partnerOfSource[0]).toBe(1_500);
  });
});
