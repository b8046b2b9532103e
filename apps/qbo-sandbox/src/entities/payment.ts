import { Decimal } from 'decimal.js';
import { Company, EntityRecord } from '../company-store';
import { JsonObject, isJsonObject } from '../json/exact-json';
import { ZERO, toCents } from '../money';
import { Faults } from '../qbo-fault';
import { TargetType, appliedBy, refreshCustomerBalance, syncPaymentApplications, targetKey } from './applications';
import { EntityKind, WriteContext, isHidden, namedRef, resolveNameRef } from './entity-kind';
import { checkLength, readArray, readDate, readDecimal, readRef, readString } from './fields';
import { assertPeriodOpen } from './preferences';

/**
 * Payment (ReceivePayment), reference §2.2. Each line applies an amount to one invoice, or uses
 * one credit memo's credit; TotalAmt − (Σ invoices − Σ credits) is left unapplied.
 */
export const PaymentKind: EntityKind = {
  name: 'Payment',
  creatable: true,
  deletable: true,
  voidable: true,
  writable: new Set([
    'TotalAmt', 'CustomerRef', 'TxnDate', 'PaymentRefNum', 'PaymentMethodRef', 'DepositToAccountRef', 'ARAccountRef',
    'PrivateNote', 'Line', 'CurrencyRef', 'ExchangeRate', 'ProcessPayment', 'CreditCardPayment', 'TxnSource',
    'ProjectRef', 'TransactionLocationType', 'TxnStatus',
  ]),
  readOnly: new Set(['UnappliedAmt', 'LinkedTxn', 'HomeTotalAmt']),

  prepare(ctx: WriteContext, candidate: JsonObject, existing: EntityRecord | undefined): JsonObject {
    const { company } = ctx;
    if (existing?.state === 'voided') throw Faults.business('A voided transaction cannot be modified.');
    const data: JsonObject = {};
    for (const [k, v] of Object.entries(candidate)) if (PaymentKind.writable.has(k)) data[k] = v;

    const customerId = readRef(candidate, 'CustomerRef');
    if (!customerId) throw Faults.requiredParam('CustomerRef');
    resolveNameRef(ctx, 'Customer', customerId, 'CustomerRef');
    data['CustomerRef'] = { value: customerId };

    const totalIn = readDecimal(candidate, 'TotalAmt');
    if (totalIn === undefined) throw Faults.requiredParam('TotalAmt');
    if (totalIn.lt(0)) throw Faults.business('The payment amount cannot be negative.', 'TotalAmt');
    const total = toCents(totalIn);
    data['TotalAmt'] = total;

    const txnDate = readDate(candidate, 'TxnDate') ?? company.today();
    assertPeriodOpen(ctx, txnDate, existing ? readDate(existing.data, 'TxnDate') : undefined);
    data['TxnDate'] = txnDate;
    checkLength(readString(candidate, 'PaymentRefNum'), 'PaymentRefNum', 21);
    checkLength(readString(candidate, 'PrivateNote'), 'PrivateNote', 4000);

    const lines: JsonObject[] = [];
    const seen = new Set<string>();
    let invoices = ZERO;
    let credits = ZERO;
    for (const raw of readArray(candidate, 'Line') ?? []) {
      if (!isJsonObject(raw)) throw Faults.invalidProperty('Line items must be objects', 'Line');
      const amountIn = readDecimal(raw, 'Amount', 'Line.Amount');
      if (amountIn === undefined) throw Faults.requiredParam('Line.Amount');
      const amount = toCents(amountIn);
      const linked = readArray(raw, 'LinkedTxn', 'Line.LinkedTxn') ?? [];
      if (linked.length !== 1 || !isJsonObject(linked[0])) {
        throw Faults.business('Each payment line must link exactly one transaction.', 'Line.LinkedTxn');
      }
      const txnId = readString(linked[0], 'TxnId', 'Line.LinkedTxn.TxnId')?.trim();
      const txnType = readString(linked[0], 'TxnType', 'Line.LinkedTxn.TxnType');
      if (!txnId) throw Faults.requiredParam('Line.LinkedTxn.TxnId');
      if (txnType !== 'Invoice' && txnType !== 'CreditMemo') {
        throw Faults.business(`Payments can be applied to invoices and credit memos only, not to ${txnType ?? 'nothing'}.`, 'Line.LinkedTxn.TxnType');
      }
      if (amount.lte(0)) throw Faults.business('A payment line amount must be greater than zero.', 'Line.Amount');
      const key = targetKey(txnType, txnId);
      if (seen.has(key)) throw Faults.business(`${txnType} ${txnId} appears on more than one line of this payment.`, 'Line.LinkedTxn');
      seen.add(key);

      const target = company.live(txnType, txnId);
      if (!target || isHidden(ctx, txnType, txnId)) throw Faults.objectNotFound('Line.LinkedTxn.TxnId');
      if (readRef(target.data, 'CustomerRef') !== customerId) throw Faults.crossCustomerLink('Line.LinkedTxn');
      const open = openAmount(company, txnType, target, existing?.id);
      if (amount.gt(open)) {
        // Over-application (reference §2.2: exact Intuit error UNVERIFIED; refused as a business rule).
        throw Faults.business(
          `The amount applied to ${txnType} ${txnId} (${amount.toFixed(2)}) is more than its open balance (${open.toFixed(2)}).`,
          'Line.Amount',
        );
      }
      if (txnType === 'Invoice') invoices = invoices.plus(amount);
      else credits = credits.plus(amount);
      lines.push({ Amount: amount, LinkedTxn: [{ TxnId: txnId, TxnType: txnType }] });
    }
    if (credits.gt(invoices)) {
      throw Faults.business('The credit applied is more than the amount applied to invoices.', 'Line');
    }
    if (invoices.minus(credits).gt(total)) {
      throw Faults.business('The amount applied is more than the payment total.', 'TotalAmt');
    }
    if (total.isZero() && lines.length === 0) throw Faults.business('You must set a transaction amount.', 'TotalAmt');

    data['Line'] = lines;
    data['UnappliedAmt'] = total.minus(invoices.minus(credits));
    data['ProcessPayment'] = candidate['ProcessPayment'] ?? false;
    const depositTo = readRef(candidate, 'DepositToAccountRef') ?? undepositedFundsId(company);
    if (depositTo) {
      resolveNameRef(ctx, 'Account', depositTo, 'DepositToAccountRef');
      data['DepositToAccountRef'] = { value: depositTo };
    }
    data['CurrencyRef'] = data['CurrencyRef'] ?? { value: 'USD', name: 'United States Dollar' };
    return data;
  },

  afterWrite(ctx: WriteContext, record: EntityRecord, previous: JsonObject | undefined): void {
    syncPaymentApplications(ctx, record, previous);
  },

  afterDelete(ctx: WriteContext, record: EntityRecord, previous: JsonObject): void {
    // A deleted payment's applications are released: the invoices reopen (reference §3.5).
    syncPaymentApplications(ctx, record, previous);
  },

  voidRecord(ctx: WriteContext, record: EntityRecord): void {
    const previous = record.data;
    const note = readString(previous, 'PrivateNote');
    const data: JsonObject = {
      ...previous,
      TotalAmt: ZERO,
      UnappliedAmt: ZERO,
      Line: [],
      PrivateNote: note ? `Voided - ${note}` : 'Voided',
    };
    ctx.company.markVoided(record, data, ctx.now);
    syncPaymentApplications(ctx, record, previous);
    const customerId = readRef(previous, 'CustomerRef');
    if (customerId) refreshCustomerBalance(ctx.company, customerId);
  },

  render(company: Company, record: EntityRecord): JsonObject {
    const out: JsonObject = { ...record.data };
    out['CustomerRef'] = namedRef(company, out['CustomerRef'], 'Customer') as JsonObject;
    return out;
  },
};

/** What this payment may still apply to a target: its open amount plus what the payment already applies there. */
function openAmount(company: Company, type: TargetType, target: EntityRecord, paymentId: string | undefined): Decimal {
  const open = readDecimal(target.data, 'Balance') ?? ZERO;
  return paymentId ? open.plus(appliedBy(company, type, target.id, paymentId)) : open;
}

function undepositedFundsId(company: Company): string | undefined {
  for (const account of company.liveRecords('Account')) {
    if (account.data['AccountSubType'] === 'UndepositedFunds') return account.id;
  }
  return undefined;
}
