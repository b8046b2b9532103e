import { Decimal } from 'decimal.js';
import { Company, EntityRecord } from '../company-store';
import { JsonObject, JsonValue, isJsonObject } from '../json/exact-json';
import { ZERO, sum } from '../money';
import { WriteContext } from './entity-kind';
import { readDecimal, readRef, readString } from './fields';

/**
 * Payment ↔ invoice / credit memo links (reference §2.2, §3.4, §3.5). Payment lines are the source
 * of truth; the company's `applications` index mirrors them so balances are O(links).
 *
 * Invariants, kept after every write:
 *   Invoice.Balance          = TotalAmt − Deposit − Σ payment lines linked to it   (0 when voided)
 *   CreditMemo.Balance       = RemainingCredit = TotalAmt − Σ payment lines linked to it
 *   Payment.UnappliedAmt     = TotalAmt − (Σ invoice lines − Σ credit-memo lines) ≥ 0
 *   Σ credit-memo lines of a payment ≤ Σ its invoice lines
 *   Customer.Balance         = Σ invoice balances − Σ credit-memo remaining − Σ payments unapplied
 */

export type TargetType = 'Invoice' | 'CreditMemo';

export interface Application {
  targetType: TargetType;
  targetId: string;
  /** Cents, positive. */
  amount: Decimal;
}

export const targetKey = (type: TargetType, id: string): string => `${type}:${id}`;

/** Applications recorded in a payment's (normalised) lines. */
export function applicationsOf(paymentData: JsonObject | undefined): Application[] {
  const out: Application[] = [];
  for (const line of (paymentData?.['Line'] as JsonValue[] | undefined) ?? []) {
    if (!isJsonObject(line)) continue;
    const linked = line['LinkedTxn'];
    const first = Array.isArray(linked) && isJsonObject(linked[0]) ? linked[0] : undefined;
    const amount = readDecimal(line, 'Amount');
    const id = first ? readString(first, 'TxnId') : undefined;
    const type = first ? readString(first, 'TxnType') : undefined;
    if (!amount || !id || (type !== 'Invoice' && type !== 'CreditMemo')) continue;
    out.push({ targetType: type, targetId: id, amount });
  }
  return out;
}

/** Σ applied to a target by all payments, optionally leaving one payment out (its own update). */
export function appliedTo(company: Company, type: TargetType, id: string, exceptPaymentId?: string): Decimal {
  const byPayment = company.applications.get(targetKey(type, id));
  if (!byPayment) return ZERO;
  let total = ZERO;
  for (const [paymentId, amount] of byPayment) if (paymentId !== exceptPaymentId) total = total.plus(amount);
  return total;
}

export function appliedBy(company: Company, type: TargetType, id: string, paymentId: string): Decimal {
  return company.applications.get(targetKey(type, id))?.get(paymentId) ?? ZERO;
}

/** `LinkedTxn` of an invoice or credit memo: the payments applied to it, by Id. */
export function linkedPayments(company: Company, type: TargetType, id: string): JsonObject[] {
  const byPayment = company.applications.get(targetKey(type, id));
  if (!byPayment) return [];
  return [...byPayment.keys()]
    .sort((a, b) => Number(a) - Number(b))
    .map((paymentId) => ({ TxnId: paymentId, TxnType: 'Payment' }));
}

/**
 * Re-derives a target's Balance and LinkedTxn from the index. When they change because of another
 * object (a payment), the target gets a new SyncToken and LastUpdatedTime and an Update change:
 * QuickBooks modifies the invoice when a payment is applied.
 */
export function refreshTarget(ctx: WriteContext, record: EntityRecord): void {
  const type = record.type as TargetType;
  const applied = appliedTo(ctx.company, type, record.id);
  const total = readDecimal(record.data, 'TotalAmt') ?? ZERO;
  const deposit = type === 'Invoice' ? (readDecimal(record.data, 'Deposit') ?? ZERO) : ZERO;
  const balance = record.state === 'voided' ? ZERO : total.minus(deposit).minus(applied);
  const links = linkedPayments(ctx.company, type, record.id);
  const before = record.data;
  const sameBalance = Decimal.isDecimal(before['Balance']) && (before['Balance'] as Decimal).eq(balance);
  const sameLinks = JSON.stringify(before['LinkedTxn'] ?? []) === JSON.stringify(links);
  if (sameBalance && sameLinks) return;
  const data: JsonObject = { ...before, Balance: balance, LinkedTxn: links };
  if (type === 'CreditMemo') data['RemainingCredit'] = balance;
  ctx.company.replace(record, data, ctx.now);
  ctx.company.recordChange(record, 'Update', ctx.now);
}

/**
 * Moves a payment's entries in the index from its previous lines to its current ones, then
 * refreshes every target touched and the balances of the customers involved.
 */
export function syncPaymentApplications(
  ctx: WriteContext,
  payment: EntityRecord,
  previous: JsonObject | undefined,
  /** A target being voided right now: the caller writes its final state itself. */
  skipTargetKey?: string,
): void {
  const { company } = ctx;
  const before = applicationsOf(previous);
  const after = payment.state === 'active' ? applicationsOf(payment.data) : [];
  const touched = new Map<string, { type: TargetType; id: string }>();
  for (const a of before) {
    const key = targetKey(a.targetType, a.targetId);
    const byPayment = company.applications.get(key);
    byPayment?.delete(payment.id);
    if (byPayment && byPayment.size === 0) company.applications.delete(key);
    touched.set(key, { type: a.targetType, id: a.targetId });
  }
  for (const a of after) {
    const key = targetKey(a.targetType, a.targetId);
    let byPayment = company.applications.get(key);
    if (!byPayment) company.applications.set(key, (byPayment = new Map()));
    byPayment.set(payment.id, a.amount);
    touched.set(key, { type: a.targetType, id: a.targetId });
  }
  const customers = new Set<string>();
  for (const [key, { type, id }] of touched) {
    const target = company.get(type, id);
    if (!target || target.state === 'deleted') continue;
    if (key !== skipTargetKey) refreshTarget(ctx, target);
    const c = readRef(target.data, 'CustomerRef');
    if (c) customers.add(c);
  }
  for (const data of [previous, payment.data]) {
    const c = data ? readRef(data, 'CustomerRef') : undefined;
    if (c) customers.add(c);
  }
  for (const c of customers) refreshCustomerBalance(company, c);
}

/**
 * Takes a voided or deleted invoice / credit memo out of every payment applied to it: the payment
 * lines for it are removed and the amount returns to the payment's UnappliedAmt (reference §3.4).
 * Credit applied alongside it is trimmed so the payment never uses more credit than it applies.
 */
export function unlinkTarget(ctx: WriteContext, target: EntityRecord): void {
  const type = target.type as TargetType;
  const byPayment = ctx.company.applications.get(targetKey(type, target.id));
  if (!byPayment) return;
  for (const paymentId of [...byPayment.keys()]) {
    const payment = ctx.company.live('Payment', paymentId);
    if (!payment) continue;
    const previous = payment.data;
    const kept = ((previous['Line'] as JsonValue[] | undefined) ?? []).filter((line) => {
      const app = applicationsOf({ Line: [line] })[0];
      return !(app && app.targetType === type && app.targetId === target.id);
    });
    const data: JsonObject = { ...previous, Line: rebalanceLines(kept, readDecimal(previous, 'TotalAmt') ?? ZERO) };
    data['UnappliedAmt'] = unappliedAmount(data);
    ctx.company.replace(payment, data, ctx.now);
    ctx.company.recordChange(payment, 'Update', ctx.now);
    syncPaymentApplications(ctx, payment, previous, targetKey(type, target.id));
  }
}

/**
 * Trims lines (from the last one back) until credit used ≤ invoices paid and
 * invoices paid − credit used ≤ total, keeping the payment's invariants after an unlink.
 */
function rebalanceLines(lines: JsonValue[], totalAmt: Decimal): JsonValue[] {
  const apps = lines.map((l) => ({ line: l, app: applicationsOf({ Line: [l] })[0] }));
  const total = (t: TargetType) => sum(apps.filter((a) => a.app?.targetType === t).map((a) => a.app.amount));
  const trim = (t: TargetType, excess: Decimal) => {
    for (let i = apps.length - 1; i >= 0 && excess.gt(0); i -= 1) {
      const a = apps[i];
      if (a.app?.targetType !== t || !isJsonObject(a.line)) continue;
      const cut = Decimal.min(a.app.amount, excess);
      const remaining = a.app.amount.minus(cut);
      excess = excess.minus(cut);
      a.app = { ...a.app, amount: remaining };
      a.line = { ...a.line, Amount: remaining };
    }
  };
  const creditExcess = total('CreditMemo').minus(total('Invoice'));
  if (creditExcess.gt(0)) trim('CreditMemo', creditExcess);
  const overTotal = total('Invoice').minus(total('CreditMemo')).minus(totalAmt);
  if (overTotal.gt(0)) trim('Invoice', overTotal);
  return apps.filter((a) => !a.app || a.app.amount.gt(0)).map((a) => a.line);
}

export function unappliedAmount(paymentData: JsonObject): Decimal {
  const apps = applicationsOf(paymentData);
  const invoices = sum(apps.filter((a) => a.targetType === 'Invoice').map((a) => a.amount));
  const credits = sum(apps.filter((a) => a.targetType === 'CreditMemo').map((a) => a.amount));
  return (readDecimal(paymentData, 'TotalAmt') ?? ZERO).minus(invoices.minus(credits));
}

/** Recomputes a customer's open balance from its live transactions (read-only `Balance`). */
export function refreshCustomerBalance(company: Company, customerId: string): void {
  const customer = company.get('Customer', customerId);
  if (!customer) return;
  let balance = ZERO;
  for (const txn of company.customerTransactions(customerId)) {
    if (txn.state !== 'active') continue;
    if (txn.type === 'Invoice') balance = balance.plus(readDecimal(txn.data, 'Balance') ?? ZERO);
    else if (txn.type === 'CreditMemo') balance = balance.minus(readDecimal(txn.data, 'Balance') ?? ZERO);
    else if (txn.type === 'Payment') balance = balance.minus(readDecimal(txn.data, 'UnappliedAmt') ?? ZERO);
  }
  // Balance is derived, not a user change: no new SyncToken (reference §3.5, formula UNVERIFIED).
  customer.data = { ...customer.data, Balance: balance, BalanceWithJobs: balance };
}
