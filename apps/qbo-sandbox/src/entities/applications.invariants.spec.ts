import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { Clock } from '../clock';
import { Company, CompanyStore, EntityRecord } from '../company-store';
import { JsonObject } from '../json/exact-json';
import { Dec, ZERO } from '../money';
import { QboFault } from '../qbo-fault';
import { agingParams } from '../reports/aging';
import { agedReceivables } from '../reports/aged-receivables';
import { applicationsOf } from './applications';
import { populateBaseCompany } from './base-company';
import { WriteContext } from './entity-kind';
import { createEntity, deleteEntity, updateEntity, voidEntity } from './entity-operations';
import { readDecimal, readRef } from './fields';

type Op =
  | { kind: 'invoice'; customer: number; cents: number }
  | { kind: 'creditMemo'; customer: number; cents: number }
  | { kind: 'pay'; customer: number; extraCents: number; picks: [number, number][] }
  | { kind: 'applyCredit'; customer: number; cm: number; invoice: number; cents: number }
  | { kind: 'repay'; payment: number; invoice: number; cents: number }
  | { kind: 'voidPayment' | 'deletePayment' | 'voidInvoice' | 'deleteInvoice' | 'voidCreditMemo'; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('invoice' as const), customer: fc.nat(2), cents: fc.integer({ min: 1, max: 50_000 }) }),
  fc.record({ kind: fc.constant('creditMemo' as const), customer: fc.nat(2), cents: fc.integer({ min: 1, max: 20_000 }) }),
  fc.record({
    kind: fc.constant('pay' as const),
    customer: fc.nat(2),
    extraCents: fc.integer({ min: 0, max: 5_000 }),
    picks: fc.array(fc.tuple(fc.nat(20), fc.integer({ min: 1, max: 120 })), { maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant('applyCredit' as const), customer: fc.nat(2), cm: fc.nat(10), invoice: fc.nat(20), cents: fc.integer({ min: 1, max: 30_000 }) }),
  fc.record({ kind: fc.constant('repay' as const), payment: fc.nat(20), invoice: fc.nat(20), cents: fc.integer({ min: 1, max: 30_000 }) }),
  fc.record({ kind: fc.constantFrom('voidPayment' as const, 'deletePayment' as const, 'voidInvoice' as const, 'deleteInvoice' as const, 'voidCreditMemo' as const), pick: fc.nat(20) }),
);

const cents = (n: number) => new Dec(n).dividedBy(100);
const dec = (r: EntityRecord, k: string) => readDecimal(r.data, k) ?? ZERO;
const version = (r: EntityRecord): JsonObject => ({ Id: r.id, SyncToken: String(r.syncToken) });

function live(company: Company, type: 'Invoice' | 'Payment' | 'CreditMemo', customerId?: string): EntityRecord[] {
  return [...company.liveRecords(type)].filter((r) => r.state === 'active' && (!customerId || readRef(r.data, 'CustomerRef') === customerId));
}

function apply(company: Company, customers: string[], o: Op): void {
  const ctx: WriteContext = { company, now: company.now(), include: new Set(), actor: 'api' };
  const pick = <T>(list: T[], i: number): T | undefined => (list.length ? list[i % list.length] : undefined);
  const line = (amount: Decimal) => ({ DetailType: 'SalesItemLineDetail', Amount: amount, SalesItemLineDetail: { ItemRef: { value: '1' } } });
  switch (o.kind) {
    case 'invoice':
      createEntity(ctx, 'Invoice', { CustomerRef: { value: customers[o.customer] }, Line: [line(cents(o.cents))] });
      return;
    case 'creditMemo':
      createEntity(ctx, 'CreditMemo', { CustomerRef: { value: customers[o.customer] }, Line: [line(cents(o.cents))] });
      return;
    case 'pay': {
      const invoices = live(company, 'Invoice', customers[o.customer]);
      const lines = o.picks.flatMap(([i, pct]) => {
        const inv = pick(invoices, i);
        return inv ? [{ Amount: dec(inv, 'Balance').times(pct).dividedBy(100).toDecimalPlaces(2), LinkedTxn: [{ TxnId: inv.id, TxnType: 'Invoice' }] }] : [];
      });
      const applied = lines.reduce((a, l) => a.plus(l.Amount), ZERO);
      createEntity(ctx, 'Payment', { CustomerRef: { value: customers[o.customer] }, TotalAmt: applied.plus(cents(o.extraCents)), Line: lines });
      return;
    }
    case 'applyCredit': {
      const cm = pick(live(company, 'CreditMemo', customers[o.customer]), o.cm);
      const inv = pick(live(company, 'Invoice', customers[o.customer]), o.invoice);
      if (!cm || !inv) return;
      const amount = cents(o.cents);
      createEntity(ctx, 'Payment', {
        CustomerRef: { value: customers[o.customer] },
        TotalAmt: ZERO,
        Line: [
          { Amount: amount, LinkedTxn: [{ TxnId: inv.id, TxnType: 'Invoice' }] },
          { Amount: amount, LinkedTxn: [{ TxnId: cm.id, TxnType: 'CreditMemo' }] },
        ],
      });
      return;
    }
    case 'repay': {
      const payment = pick(live(company, 'Payment'), o.payment);
      if (!payment) return;
      const inv = pick(live(company, 'Invoice', readRef(payment.data, 'CustomerRef')), o.invoice);
      if (!inv) return;
      updateEntity(ctx, 'Payment', { ...version(payment), sparse: true, Line: [{ Amount: cents(o.cents), LinkedTxn: [{ TxnId: inv.id, TxnType: 'Invoice' }] }] });
      return;
    }
    default: {
      const type = o.kind === 'voidPayment' || o.kind === 'deletePayment' ? 'Payment' : o.kind === 'voidCreditMemo' ? 'CreditMemo' : 'Invoice';
      const target = pick(live(company, type), o.pick);
      if (!target) return;
      if (o.kind.startsWith('void')) voidEntity(ctx, type, version(target));
      else deleteEntity(ctx, type, version(target));
    }
  }
}

function checkInvariants(company: Company, customers: string[]): void {
  const linked = new Map<string, Decimal>();
  for (const p of company.liveRecords('Payment')) {
    if (p.state !== 'active') {
      expect(dec(p, 'TotalAmt').isZero()).toBe(true);
      continue;
    }
    const apps = applicationsOf(p.data);
    const inv = apps.filter((a) => a.targetType === 'Invoice').reduce((s, a) => s.plus(a.amount), ZERO);
    const cm = apps.filter((a) => a.targetType === 'CreditMemo').reduce((s, a) => s.plus(a.amount), ZERO);
    expect(cm.lte(inv)).toBe(true);
    expect(dec(p, 'UnappliedAmt').eq(dec(p, 'TotalAmt').minus(inv.minus(cm)))).toBe(true);
    expect(dec(p, 'UnappliedAmt').gte(0)).toBe(true);
    for (const a of apps) linked.set(`${a.targetType}:${a.targetId}`, (linked.get(`${a.targetType}:${a.targetId}`) ?? ZERO).plus(a.amount));
  }
  for (const type of ['Invoice', 'CreditMemo'] as const) {
    for (const r of company.liveRecords(type)) {
      const applied = linked.get(`${type}:${r.id}`) ?? ZERO;
      if (r.state === 'voided') {
        expect(applied.isZero()).toBe(true);
        expect(dec(r, 'Balance').isZero()).toBe(true);
        continue;
      }
      const expected = dec(r, 'TotalAmt').minus(dec(r, 'Deposit')).minus(applied);
      expect(dec(r, 'Balance').toFixed()).toBe(expected.toFixed());
      expect(dec(r, 'Balance').gte(0)).toBe(true);
      if (type === 'CreditMemo') expect(dec(r, 'RemainingCredit').eq(dec(r, 'Balance'))).toBe(true);
    }
  }
  let companyTotal = ZERO;
  for (const id of customers) {
    const own = (type: 'Invoice' | 'CreditMemo' | 'Payment', key: string) => live(company, type, id).reduce((s, r) => s.plus(dec(r, key)), ZERO);
    const expected = own('Invoice', 'Balance').minus(own('CreditMemo', 'Balance')).minus(own('Payment', 'UnappliedAmt'));
    const customer = company.get('Customer', id) as EntityRecord;
    expect(dec(customer, 'Balance').toFixed()).toBe(expected.toFixed());
    companyTotal = companyTotal.plus(expected);
  }
  // The aging report's grand total is the sum of customer balances.
  const report = agedReceivables(company, agingParams(company, new URLSearchParams('report_date=2999-12-31'))) as { Rows: { Row?: { group?: string; Summary?: { ColData: { value: string }[] } }[] } };
  const grand = report.Rows.Row?.find((r) => r.group === 'GrandTotal')?.Summary?.ColData.at(-1)?.value ?? '0.00';
  expect(grand).toBe(companyTotal.toFixed(2));
}

describe('payment applications: invariants under random operations', () => {
  it('keeps every balance consistent whatever succeeds or faults', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => {
        const store = new CompanyStore(new Clock(), 'UTC', populateBaseCompany);
        const company = store.create('1');
        const ctx: WriteContext = { company, now: company.now(), include: new Set(), actor: 'api' };
        const customers = ['A', 'B', 'C'].map((n) => createEntity(ctx, 'Customer', { DisplayName: `Customer ${n}` }).id);
        for (const o of ops) {
          try {
            apply(company, customers, o);
          } catch (e) {
            if (!(e instanceof QboFault)) throw e; // business faults are expected; anything else is a bug
          }
          checkInvariants(company, customers);
        }
      }),
      { numRuns: 80, seed: 20261122 },
    );
  });
});
