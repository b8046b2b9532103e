import { Company, EntityRecord } from '../company-store';
import { JsonObject, isJsonObject } from '../json/exact-json';
import { ZERO, toCents } from '../money';
import { Faults } from '../qbo-fault';
import { appliedTo, linkedPayments, refreshCustomerBalance, unlinkTarget } from './applications';
import { EntityKind, WriteContext, namedRef, resolveNameRef } from './entity-kind';
import { checkLength, readArray, readDate, readDecimal, readObject, readRef, readString } from './fields';
import { assertPeriodOpen, customTxnNumbers, defaultTermId } from './preferences';
import { SALES_FORM_WRITABLE, normaliseSalesLines, renderSalesLines, zeroedLines } from './sales-lines';
import { dueDateFor } from './term';

type SalesFormName = 'Invoice' | 'CreditMemo';

/** Auto-numbering starts after 1000, like a new QuickBooks company's first invoice 1001. */
const FIRST_AUTO_DOC_NUMBER = 1001;

const EMAIL_STATUSES = new Set(['NotSet', 'NeedToSend', 'EmailSent']);
const PRINT_STATUSES = new Set(['NotSet', 'NeedToPrint', 'PrintComplete']);

const INVOICE_ONLY = ['DueDate', 'Deposit', 'AllowOnlineCreditCardPayment', 'AllowOnlineACHPayment', 'AllowIPNPayment', 'AllowOnlinePayment'];

/**
 * Invoice and CreditMemo share the sales-form rules: lines, document numbers (6140), the customer
 * reference, totals and the close date. They differ in terms/due date/deposit (invoice) and in
 * what the open amount is called (Balance; RemainingCredit for credit memos).
 */
function salesFormKind(name: SalesFormName): EntityKind {
  const isInvoice = name === 'Invoice';
  const kind: EntityKind = {
    name,
    creatable: true,
    deletable: true,
    voidable: true,
    writable: new Set([...SALES_FORM_WRITABLE, ...(isInvoice ? INVOICE_ONLY : ['InvoiceRef'])]),
    readOnly: new Set([
      'TotalAmt', 'Balance', 'RemainingCredit', 'HomeBalance', 'HomeTotalAmt', 'LinkedTxn', 'InvoiceLink',
      'DeliveryInfo', 'TaxFormType', 'TaxFormNum',
    ]),

    prepare(ctx: WriteContext, candidate: JsonObject, existing: EntityRecord | undefined): JsonObject {
      const { company } = ctx;
      if (existing?.state === 'voided') throw Faults.business('A voided transaction cannot be modified.');
      const data: JsonObject = {};
      for (const [k, v] of Object.entries(candidate)) if (kind.writable.has(k)) data[k] = v;

      const customerId = readRef(candidate, 'CustomerRef');
      if (!customerId) throw Faults.requiredParam('CustomerRef');
      const customer = resolveNameRef(ctx, 'Customer', customerId, 'CustomerRef');
      const applied = existing ? appliedTo(company, name, existing.id) : ZERO;
      if (existing && applied.gt(0) && readRef(existing.data, 'CustomerRef') !== customerId) {
        throw Faults.crossCustomerLink('CustomerRef');
      }
      data['CustomerRef'] = { value: customerId };

      const { lines, subtotal, discount } = normaliseSalesLines(ctx, readArray(candidate, 'Line'), readArray(existing?.data ?? {}, 'Line'));
      data['Line'] = lines;

      const txnDate = readDate(candidate, 'TxnDate') ?? company.today();
      assertPeriodOpen(ctx, txnDate, existing ? readDate(existing.data, 'TxnDate') : undefined);
      data['TxnDate'] = txnDate;

      let docNumber = readString(candidate, 'DocNumber')?.trim();
      checkLength(docNumber, 'DocNumber', 21);
      if (!docNumber && !existing) docNumber = String(Math.max(company.maxNumericDocNumber(name) + 1, FIRST_AUTO_DOC_NUMBER));
      if (docNumber) {
        data['DocNumber'] = docNumber;
        if (customTxnNumbers(company) && !ctx.include.has('allowduplicatedocnum')) {
          for (const id of company.idsForDocNumber(name, docNumber)) {
            if (id !== existing?.id) throw Faults.duplicateDocNumber(docNumber, name, id);
          }
        }
      } else {
        delete data['DocNumber'];
      }

      checkLength(readString(candidate, 'PrivateNote'), 'PrivateNote', 4000);
      const memo = readObject(candidate, 'CustomerMemo');
      if (memo) checkLength(readString(memo, 'value'), 'CustomerMemo', 1000);

      const tax = readObject(candidate, 'TxnTaxDetail') ?? {};
      const totalTax = toCents(readDecimal(tax, 'TotalTax', 'TxnTaxDetail.TotalTax') ?? ZERO);
      data['TxnTaxDetail'] = { ...tax, TotalTax: totalTax };
      const total = subtotal.minus(discount).plus(totalTax);
      if (total.lt(0)) throw Faults.business('The transaction total cannot be negative.', 'Line');
      data['TotalAmt'] = total;

      let deposit = ZERO;
      if (isInvoice) {
        const termId = readRef(candidate, 'SalesTermRef') ?? readRef(customer.data, 'SalesTermRef') ?? defaultTermId(company);
        const term = termId ? resolveNameRef(ctx, 'Term', termId, 'SalesTermRef') : undefined;
        if (termId) data['SalesTermRef'] = { value: termId };
        data['DueDate'] = readDate(candidate, 'DueDate') ?? (term ? dueDateFor(term.data, txnDate) : txnDate);
        const depositIn = readDecimal(candidate, 'Deposit') ?? ZERO;
        if (depositIn.lt(0)) throw Faults.business('The deposit cannot be negative.', 'Deposit');
        deposit = toCents(depositIn);
        data['Deposit'] = deposit;
        const emailStatus = readString(candidate, 'EmailStatus') ?? 'NotSet';
        if (!EMAIL_STATUSES.has(emailStatus)) throw Faults.invalidEnumeration('EmailStatus', emailStatus);
        data['EmailStatus'] = emailStatus;
        data['AllowOnlineCreditCardPayment'] = candidate['AllowOnlineCreditCardPayment'] ?? false;
        data['AllowOnlineACHPayment'] = candidate['AllowOnlineACHPayment'] ?? false;
      }
      const printStatus = readString(candidate, 'PrintStatus') ?? 'NotSet';
      if (!PRINT_STATUSES.has(printStatus)) throw Faults.invalidEnumeration('PrintStatus', printStatus);
      data['PrintStatus'] = printStatus;
      data['ApplyTaxAfterDiscount'] = candidate['ApplyTaxAfterDiscount'] ?? false;

      // Addresses and e-mail default from the customer (reference §2.1).
      for (const field of ['BillAddr', 'ShipAddr'] as const) {
        if (data[field] === undefined && isJsonObject(customer.data[field])) data[field] = customer.data[field];
      }
      if (data['BillEmail'] === undefined && isJsonObject(customer.data['PrimaryEmailAddr'])) {
        data['BillEmail'] = { Address: (customer.data['PrimaryEmailAddr'] as JsonObject)['Address'] ?? null };
      }
      const billEmail = readObject(data, 'BillEmail');
      if (data['EmailStatus'] === 'NeedToSend' && !(billEmail && readString(billEmail, 'Address'))) {
        throw Faults.requiredParam('BillEmail');
      }
      data['CurrencyRef'] = data['CurrencyRef'] ?? { value: 'USD', name: 'United States Dollar' };
      data['CustomField'] = data['CustomField'] ?? [];

      const balance = total.minus(deposit).minus(applied);
      if (balance.lt(0)) {
        throw Faults.business('The new total is less than the payments and credits already applied to this transaction.', 'Line');
      }
      data['Balance'] = balance;
      if (!isInvoice) data['RemainingCredit'] = balance;
      data['LinkedTxn'] = existing ? linkedPayments(company, name, existing.id) : [];
      return data;
    },

    afterWrite(ctx: WriteContext, record: EntityRecord, previous: JsonObject | undefined): void {
      refreshCustomers(ctx.company, record.data, previous);
    },

    beforeDelete(ctx: WriteContext, record: EntityRecord): void {
      if (appliedTo(ctx.company, name, record.id).gt(0)) {
        throw Faults.business(
          `You must unlink any linked transactions associated with the ${isInvoice ? 'invoice' : 'credit memo'} object before deleting it.`,
        );
      }
    },

    afterDelete(ctx: WriteContext, record: EntityRecord, previous: JsonObject): void {
      refreshCustomers(ctx.company, previous, undefined);
    },

    voidRecord(ctx: WriteContext, record: EntityRecord): void {
      // Linked payments go back to unapplied before the amounts are zeroed (reference §3.4).
      unlinkTarget(ctx, record);
      const note = readString(record.data, 'PrivateNote');
      const tax = readObject(record.data, 'TxnTaxDetail') ?? {};
      const data: JsonObject = {
        ...record.data,
        Line: zeroedLines(readArray(record.data, 'Line')),
        TotalAmt: ZERO,
        Balance: ZERO,
        LinkedTxn: [],
        TxnTaxDetail: { ...tax, TotalTax: ZERO },
        PrivateNote: note ? `Voided - ${note}` : 'Voided',
      };
      if (isInvoice) data['Deposit'] = ZERO;
      else data['RemainingCredit'] = ZERO;
      ctx.company.markVoided(record, data, ctx.now);
      refreshCustomers(ctx.company, record.data, undefined);
    },

    render(company: Company, record: EntityRecord): JsonObject {
      const out: JsonObject = { ...record.data };
      out['CustomerRef'] = namedRef(company, out['CustomerRef'], 'Customer') as JsonObject;
      if (out['SalesTermRef']) out['SalesTermRef'] = namedRef(company, out['SalesTermRef'], 'Term') as JsonObject;
      const lines = renderSalesLines(company, out['Line']);
      if (lines !== undefined) out['Line'] = lines;
      return out;
    },
  };
  return kind;
}

function refreshCustomers(company: Company, current: JsonObject, previous: JsonObject | undefined): void {
  const ids = new Set([readRef(current, 'CustomerRef'), previous ? readRef(previous, 'CustomerRef') : undefined]);
  for (const id of ids) if (id) refreshCustomerBalance(company, id);
}

export const InvoiceKind = salesFormKind('Invoice');
export const CreditMemoKind = salesFormKind('CreditMemo');

/**
 * `POST /invoice/{id}/send`: marks the invoice e-mailed (reference §1.2).
 * @throws QboFault 6000 when there is no address to send to
 */
export function markInvoiceSent(ctx: WriteContext, record: EntityRecord, sendTo: string | undefined): void {
  const current = readObject(record.data, 'BillEmail');
  const address = sendTo ?? (current ? readString(current, 'Address') : undefined);
  if (!address) throw Faults.business('The invoice has no e-mail address to send to.', 'BillEmail');
  if (!(address.includes('@') && address.includes('.'))) throw Faults.invalidEmail(address);
  const data: JsonObject = {
    ...record.data,
    BillEmail: { Address: address },
    EmailStatus: 'EmailSent',
    DeliveryInfo: { DeliveryType: 'Email', DeliveryTime: ctx.company.formatTime(ctx.now) },
  };
  ctx.company.replace(record, data, ctx.now);
  ctx.company.recordChange(record, 'Emailed', ctx.now);
}
