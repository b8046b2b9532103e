import type { ReceivablesMonth } from '@arbiter/testing';
import type { FakeQboBooks } from './fake-qbo-books';
import type { SourceLedger } from './source-ledger';

export interface MirroredMonth {
  /** Source invoice id → QuickBooks invoice Id. */
  invoiceIds: Map<string, string>;
  /** Source customer id → QuickBooks customer Id. */
  customerIds: Map<string, string>;
}

/**
 * Writes a generated month to both sides as a faithful sync would have left them: the source ledger in its final state
 * (latest invoice versions, cancellations, voided payments, applications), and QuickBooks with every approved document
 * pushed and linked, cancelled invoices and voided payments voided there, credit memos applied through a zero payment
 * (QuickBooks' way). Drift is added by the caller afterwards, as QuickBooks users would.
 */
export async function mirrorMonth(month: ReceivablesMonth, ledger: SourceLedger, books: FakeQboBooks): Promise<MirroredMonth> {
  const customerIds = new Map<string, string>();
  for (const c of month.customers) {
    const qbo = books.addCustomer(c.data.displayName);
    customerIds.set(c.data.id, qbo.Id);
    await ledger.customer(c.data.id, c.data.displayName, qbo.Id, c.data.currency);
  }
  const cancelled = new Set(month.cancelledInvoiceIds);
  const invoiceIds = new Map<string, string>();
  for (const invoice of month.invoices) {
    const d = invoice.data;
    const status = cancelled.has(d.id) ? 'cancelled' : d.status;
    let qboId: string | undefined;
    if (status === 'approved' || status === 'cancelled') {
      qboId = books.addInvoice({ customerId: customerIds.get(d.customerId) as string, docNumber: d.number, txnDate: d.issueDate, dueDate: d.dueDate, total: d.total }).Id;
      invoiceIds.set(d.id, qboId);
    }
    await ledger.invoice({ id: d.id, number: d.number, customerId: d.customerId, issueDate: d.issueDate, dueDate: d.dueDate, total: d.total, status, qboId });
    if (status === 'cancelled' && qboId) books.voidInvoice(qboId);
  }
  const voided = new Set(month.voidedPaymentIds);
  for (const payment of month.payments) {
    const d = payment.data;
    const lines = voided.has(d.id) ? [] : d.applications.map((a) => ({ invoiceId: invoiceIds.get(a.invoiceId) as string, amount: a.amount }));
    const qbo = books.addPayment({ customerId: customerIds.get(d.customerId) as string, txnDate: d.receivedOn, total: voided.has(d.id) ? '0' : d.amount, ref: d.reference, lines });
    if (voided.has(d.id)) qbo.PrivateNote = 'Voided';
    await ledger.payment({ id: d.id, customerId: d.customerId, receivedOn: d.receivedOn, amount: d.amount, reference: d.reference, voided: voided.has(d.id), qboId: qbo.Id, applications: d.applications });
  }
  for (const memo of month.creditMemos) {
    const d = memo.data;
    const qbo = books.addCreditMemo({ customerId: customerIds.get(d.customerId) as string, docNumber: d.number, txnDate: d.issueDate, total: d.total });
    for (const a of d.applications ?? []) {
      books.addPayment({ customerId: customerIds.get(d.customerId) as string, txnDate: d.issueDate, total: '0', lines: [{ invoiceId: invoiceIds.get(a.invoiceId) as string, amount: a.amount }, { creditMemoId: qbo.Id, amount: a.amount }] });
    }
    await ledger.creditMemo({ id: d.id, number: d.number, customerId: d.customerId, issueDate: d.issueDate, total: d.total, qboId: qbo.Id, applications: d.applications });
  }
  return { invoiceIds, customerIds };
}
