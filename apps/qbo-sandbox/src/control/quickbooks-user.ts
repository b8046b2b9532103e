import { Company, EntityRecord } from '../company-store';
import { BASE_IDS } from '../entities/base-company';
import { WriteContext } from '../entities/entity-kind';
import { createEntity, deleteEntity, readEntity, updateEntity, voidEntity } from '../entities/entity-operations';
import { readArray, readDecimal, readRef, readString } from '../entities/fields';
import { JsonObject, JsonValue, isJsonObject } from '../json/exact-json';
import { Dec, ZERO, sum, toCents } from '../money';
import { Faults } from '../qbo-fault';

/**
 * What a person does in the QuickBooks UI, so tests can make the books drift from the platform.
 * Every action goes through the same entity rules as the API (faults included) and produces the
 * same webhooks and CDC changes; only the close date does not stop a user (they have the password).
 */
export class QuickBooksUser {
  constructor(private readonly company: Company) {}

  private ctx(): WriteContext {
    return { company: this.company, now: this.company.now(), include: new Set(), actor: 'user' };
  }

  private version(record: EntityRecord): JsonObject {
    return { Id: record.id, SyncToken: String(record.syncToken) };
  }

  /**
   * Receives a payment. `applications` default their amount to the invoice's open balance; the
   * customer defaults to the first invoice's; `amount` defaults to Σ applications (more = unapplied).
   * @throws QboFault (payment rules)
   */
  receivePayment(input: JsonObject): EntityRecord {
    const apps = (readArray(input, 'applications') ?? []).filter(isJsonObject);
    const lines: JsonObject[] = apps.map((app) => {
      const invoiceId = readString(app, 'invoiceId');
      if (!invoiceId) throw Faults.requiredParam('applications.invoiceId');
      const invoice = readEntity(this.company, 'Invoice', invoiceId);
      const amount = readDecimal(app, 'amount') ?? readDecimal(invoice.data, 'Balance') ?? ZERO;
      return { Amount: amount, LinkedTxn: [{ TxnId: invoiceId, TxnType: 'Invoice' }] };
    });
    const firstInvoice = apps[0] ? this.company.get('Invoice', readString(apps[0], 'invoiceId') ?? '') : undefined;
    const customerId = readString(input, 'customerId') ?? (firstInvoice ? readRef(firstInvoice.data, 'CustomerRef') : undefined);
    if (!customerId) throw Faults.requiredParam('customerId');
    const total = readDecimal(input, 'amount') ?? sum(lines.map((l) => l['Amount'] as Dec));
    const body: JsonObject = { CustomerRef: { value: customerId }, TotalAmt: total, Line: lines };
    for (const [from, to] of [['txnDate', 'TxnDate'], ['paymentRefNum', 'PaymentRefNum'], ['privateNote', 'PrivateNote']] as const) {
      const v = readString(input, from);
      if (v !== undefined) body[to] = v;
    }
    return createEntity(this.ctx(), 'Payment', body);
  }

  /** Creates an invoice directly in QuickBooks (one Services line of `amount`). @throws QboFault */
  createInvoice(input: JsonObject): EntityRecord {
    const customerId = readString(input, 'customerId');
    if (!customerId) throw Faults.requiredParam('customerId');
    const amount = readDecimal(input, 'amount');
    if (!amount) throw Faults.requiredParam('amount');
    const body: JsonObject = {
      CustomerRef: { value: customerId },
      Line: [
        {
          DetailType: 'SalesItemLineDetail',
          Amount: amount,
          SalesItemLineDetail: { ItemRef: { value: readString(input, 'itemId') ?? BASE_IDS.items.services }, Qty: new Dec(1), UnitPrice: amount },
        },
      ],
    };
    for (const [from, to] of [['txnDate', 'TxnDate'], ['dueDate', 'DueDate'], ['docNumber', 'DocNumber'], ['privateNote', 'PrivateNote']] as const) {
      const v = readString(input, from);
      if (v !== undefined) body[to] = v;
    }
    return createEntity(this.ctx(), 'Invoice', body);
  }

  /**
   * Edits an invoice: `amount` changes the last sales line so the total becomes that amount
   * (Qty 1 × the new price); `dueDate`, `txnDate`, `privateNote`, `docNumber` are set as given.
   * @throws QboFault (e.g. 6000 when the new total is below what is already paid)
   */
  editInvoice(invoiceId: string, input: JsonObject): EntityRecord {
    const invoice = readEntity(this.company, 'Invoice', invoiceId);
    const body: JsonObject = { ...this.version(invoice), sparse: true };
    const amount = readDecimal(input, 'amount');
    if (amount !== undefined) {
      const lines = (readArray(invoice.data, 'Line') ?? []).filter(isJsonObject).filter((l) => l['DetailType'] !== 'SubTotalLineDetail');
      const salesIndexes = lines.flatMap((l, i) => (l['DetailType'] === 'SalesItemLineDetail' ? [i] : []));
      const last = salesIndexes[salesIndexes.length - 1];
      const currentTotal = readDecimal(invoice.data, 'TotalAmt') ?? ZERO;
      const lastAmount = readDecimal(lines[last], 'Amount') ?? ZERO;
      const newAmount = toCents(lastAmount.plus(amount.minus(currentTotal)));
      const detail = lines[last]['SalesItemLineDetail'] as JsonObject;
      lines[last] = { ...lines[last], Amount: newAmount, SalesItemLineDetail: { ...detail, Qty: new Dec(1), UnitPrice: newAmount } };
      body['Line'] = lines as JsonValue[];
    }
    for (const [from, to] of [['dueDate', 'DueDate'], ['txnDate', 'TxnDate'], ['privateNote', 'PrivateNote'], ['docNumber', 'DocNumber']] as const) {
      const v = readString(input, from);
      if (v !== undefined) body[to] = v;
    }
    return updateEntity(this.ctx(), 'Invoice', body);
  }

  voidInvoice(invoiceId: string): EntityRecord {
    return voidEntity(this.ctx(), 'Invoice', this.version(readEntity(this.company, 'Invoice', invoiceId)));
  }

  deleteInvoice(invoiceId: string): EntityRecord {
    return deleteEntity(this.ctx(), 'Invoice', this.version(readEntity(this.company, 'Invoice', invoiceId)));
  }

  voidPayment(paymentId: string): EntityRecord {
    return voidEntity(this.ctx(), 'Payment', this.version(readEntity(this.company, 'Payment', paymentId)));
  }

  deletePayment(paymentId: string): EntityRecord {
    return deleteEntity(this.ctx(), 'Payment', this.version(readEntity(this.company, 'Payment', paymentId)));
  }

  /** Creates a customer, e.g. with a name the platform is about to use (→ 6240 for the client). */
  createCustomer(input: JsonObject): EntityRecord {
    const displayName = readString(input, 'displayName');
    if (!displayName) throw Faults.requiredParam('displayName');
    const body: JsonObject = { DisplayName: displayName };
    const email = readString(input, 'email');
    if (email) body['PrimaryEmailAddr'] = { Address: email };
    const companyName = readString(input, 'companyName');
    if (companyName) body['CompanyName'] = companyName;
    return createEntity(this.ctx(), 'Customer', body);
  }

  /** Makes a customer inactive (its name stays reserved). */
  deactivateCustomer(customerId: string): EntityRecord {
    const customer = readEntity(this.company, 'Customer', customerId);
    return updateEntity(this.ctx(), 'Customer', { ...this.version(customer), sparse: true, Active: false });
  }

  /**
   * Issues a credit memo of `amount` (one Services line) and, with `applyTo`, applies it to
   * invoices through a zero-total payment, as QuickBooks does.
   * @throws QboFault
   */
  createCreditMemo(input: JsonObject): { creditMemo: EntityRecord; payment?: EntityRecord } {
    const customerId = readString(input, 'customerId');
    if (!customerId) throw Faults.requiredParam('customerId');
    const amount = readDecimal(input, 'amount');
    if (!amount) throw Faults.requiredParam('amount');
    const body: JsonObject = {
      CustomerRef: { value: customerId },
      Line: [{ DetailType: 'SalesItemLineDetail', Amount: amount, SalesItemLineDetail: { ItemRef: { value: BASE_IDS.items.services } } }],
    };
    const txnDate = readString(input, 'txnDate');
    if (txnDate) body['TxnDate'] = txnDate;
    const creditMemo = createEntity(this.ctx(), 'CreditMemo', body);
    const applyTo = (readArray(input, 'applyTo') ?? []).filter(isJsonObject);
    if (applyTo.length === 0) return { creditMemo };
    const lines: JsonObject[] = applyTo.map((a) => ({
      Amount: readDecimal(a, 'amount') ?? ZERO,
      LinkedTxn: [{ TxnId: readString(a, 'invoiceId') ?? '', TxnType: 'Invoice' }],
    }));
    const used = sum(lines.map((l) => l['Amount'] as Dec));
    lines.push({ Amount: used, LinkedTxn: [{ TxnId: creditMemo.id, TxnType: 'CreditMemo' }] });
    const paymentBody: JsonObject = { CustomerRef: { value: customerId }, TotalAmt: ZERO, Line: lines };
    if (txnDate) paymentBody['TxnDate'] = txnDate;
    const payment = createEntity(this.ctx(), 'Payment', paymentBody);
    return { creditMemo, payment };
  }
}
