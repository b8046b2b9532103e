import type { QboItem, SourceItem } from './ledger-item';
import { matchItems } from './match';

const invoice = (overrides: Partial<SourceItem> = {}): SourceItem => ({
  kind: 'invoice',
  id: 'inv-1',
  customerId: 'cus-1',
  number: 'INV-1001',
  txnDate: '2026-10-01',
  dueDate: '2026-10-31',
  totalMinor: 10000n,
  openMinor: 10000n,
  ...overrides,
});
const qboInvoice = (overrides: Partial<QboItem> = {}): QboItem => ({
  kind: 'invoice',
  id: '101',
  customerId: '58',
  number: 'INV-1001',
  txnDate: '2026-10-01',
  dueDate: '2026-10-31',
  totalMinor: 10000n,
  openMinor: 10000n,
  ...overrides,
});
const customerLinks = new Map([
  ['cus-1', '58'],
  ['cus-2', '59'],
]);

describe(matchItems.name, () => {
  it('pairs by the stored link first, whatever the number says', () => {
    const sut = matchItems(
      [invoice({ qboId: '102' })],
      [qboInvoice({ id: '101' }), qboInvoice({ id: '102', number: 'OTHER' })],
      { customerLinks },
    );
    expect(Array.from(sut.partnerOfSource)).toEqual([1]);
    expect(sut.pairsByPass.link).toBe(1);
    // Same customer, another number and amount key: 101 is not a copy of 102, it stays unmatched.
    expect(Array.from(sut.duplicateOf)).toEqual([-1, -1]);
  });

  it('falls back to customer and number, preferring the same amount, then the nearest date', () => {
    const sut = matchItems(
      [invoice()],
      [
        qboInvoice({ id: '1', totalMinor: 9000n, txnDate: '2026-10-01' }),
        qboInvoice({ id: '2', txnDate: '2026-09-01' }),
        qboInvoice({ id: '3', txnDate: '2026-10-02' }),
      ],
      { customerLinks },
    );
    expect(sut.partnerOfSource[0]).toBe(2);
    expect(sut.pairsByPass.customer_number).toBe(1);
  });

  it('finds a document filed under another customer by number and amount', () => {
    const sut = matchItems([invoice()], [qboInvoice({ customerId: '59' })], {
      customerLinks,
    });
    expect(sut.partnerOfSource[0]).toBe(0);
    expect(sut.pairsByPass.number_amount).toBe(1);
  });

  it('pairs payments without a reference by customer, amount and date', () => {
    const payment = (o: Partial<SourceItem>): SourceItem =>
      invoice({
        kind: 'payment',
        number: undefined,
        totalMinor: 5000n,
        openMinor: 0n,
        ...o,
      });
    const sut = matchItems(
      [
        payment({ id: 'pay-1' }),
        payment({ id: 'pay-2', txnDate: '2026-10-05' }),
      ],
      [
        {
          ...qboInvoice({
            id: '7',
            kind: 'payment',
            number: undefined,
            totalMinor: 5000n,
            txnDate: '2026-10-05',
          }),
        },
        {
          ...qboInvoice({
            id: '8',
            kind: 'payment',
            number: undefined,
            totalMinor: 5000n,
          }),
        },
      ],
      { customerLinks },
    );
    expect(Array.from(sut.partnerOfSource)).toEqual([1, 0]);
    expect(sut.pairsByPass.customer_amount_date).toBe(2);
  });

  it('never pairs across kinds', () => {
    const sut = matchItems([invoice()], [qboInvoice({ kind: 'credit-memo' })], {
      customerLinks,
    });
    expect(sut.partnerOfSource[0]).toBe(-1);
  });

  it('pairs each QuickBooks document at most once, even when two source documents claim it', () => {
    const sut = matchItems(
      [invoice({ id: 'a', qboId: '101' }), invoice({ id: 'b', qboId: '101' })],
      [qboInvoice({ id: '101' })],
      { customerLinks },
    );
    expect(Array.from(sut.partnerOfSource)).toEqual([0, -1]);
  });

  it('counts links to documents QuickBooks does not have', () => {
    const sut = matchItems(
      [invoice({ qboId: '999', number: 'X' })],
      [qboInvoice({ txnDate: '2026-09-01' })],
      { customerLinks },
    );
    expect(sut.brokenLinks).toBe(1);
    expect(sut.partnerOfSource[0]).toBe(-1);
  });

  it('leaves the opening balance alone: opening source documents and unlinked pre-cut-over QuickBooks documents', () => {
    const sut = matchItems(
      [
        invoice({ opening: true, txnDate: '2026-05-01' }),
        invoice({ id: 'inv-2', qboId: '102', txnDate: '2026-05-02' }),
      ],
      [
        qboInvoice({ id: '101', txnDate: '2026-05-01' }),
        qboInvoice({ id: '102', number: 'INV-9', txnDate: '2026-05-02' }),
      ],
      { customerLinks, inSyncPoint: '2026-06-01' },
    );
    expect(Array.from(sut.partnerOfSource)).toEqual([-1, 1]);
    expect(Array.from(sut.qboOpening)).toEqual([1, 0]);
  });

  it('marks repeated unmatched documents as duplicates of the earliest one', () => {
    const sut = matchItems(
      [],
      [
        qboInvoice({ id: '5', txnDate: '2026-10-03' }),
        qboInvoice({ id: '4', txnDate: '2026-10-01' }),
        qboInvoice({ id: '6', number: 'INV-2' }),
      ],
      { customerLinks },
    );
    expect(Array.from(sut.duplicateOf)).toEqual([1, -1, -1]);
  });
});
