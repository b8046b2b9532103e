import { agingBuckets, formatMinorUnits, parseMinorUnits, toEpochDay } from '@arbiter/domain';
import {
  type AgedReceivablesParams,
  type CreditMemo,
  type Customer,
  type Invoice,
  parseAgedReceivables,
  type Payment,
  type QboQuery,
  type QboReport,
  type QueryPage,
  type QueryableEntity,
} from '@arbiter/qbo-client';
import type { QboReader } from '../../src/qbo/qbo-companies';

const cents = (text: string) => parseMinorUnits(text, 'USD');
const usd = (units: bigint) => formatMinorUnits(units, 'USD');

type Entity = Customer | Invoice | CreditMemo | Payment;

/**
 * A QuickBooks company in memory, shaped like the API: entities with QuickBooks' field names, the query language
 * subset a run uses (`WHERE TxnDate <= '…'`, `Active IN (true, false)`, `ORDERBY Id`, STARTPOSITION/MAXRESULTS,
 * COUNT), and AgedReceivables computed from the entities as QuickBooks does. Balances follow QuickBooks' arithmetic
 * (qbo-api.md §3.5). Serves both an in-process QboReader and, through `fake-qbo-server.ts`, real HTTP.
 */
export class FakeQboBooks {
  customers: Customer[] = [];
  invoices: Invoice[] = [];
  creditMemos: CreditMemo[] = [];
  payments: Payment[] = [];
  /** Every statement run, in order. */
  readonly statements: string[] = [];
  /** Called before each query; tests make it hang or throw to stop a run half way. */
  beforeQuery: (statement: string) => Promise<void> = async () => undefined;
  /** Added to the report's cell (customer, bucket index): makes QuickBooks' report disagree with its entities. */
  reportDrift: Array<{ customerId: string; bucket: number; amount: string }> = [];
  private lastId = 100;

  constructor(readonly realmId = '9130357766012345') {}

  private nextId(): string {
    return String(++this.lastId);
  }

  addCustomer(displayName: string, id = this.nextId()): Customer {
    const customer: Customer = { Id: id, SyncToken: '0', DisplayName: displayName, Active: true };
    this.customers.push(customer);
    return customer;
  }

  addInvoice(o: { customerId: string; docNumber?: string; txnDate: string; dueDate?: string; total: string; deposit?: string; id?: string }): Invoice {
    const invoice: Invoice = {
      Id: o.id ?? this.nextId(),
      SyncToken: '0',
      CustomerRef: { value: o.customerId },
      DocNumber: o.docNumber,
      TxnDate: o.txnDate,
      DueDate: o.dueDate ?? o.txnDate,
      Line: [{ DetailType: 'SalesItemLineDetail', Amount: o.total }],
      TotalAmt: o.total,
      Deposit: o.deposit,
      Balance: usd(cents(o.total) - cents(o.deposit ?? '0')),
      LinkedTxn: [],
    };
    this.invoices.push(invoice);
    return invoice;
  }

  addCreditMemo(o: { customerId: string; docNumber?: string; txnDate: string; total: string; id?: string }): CreditMemo {
    const memo: CreditMemo = {
      Id: o.id ?? this.nextId(),
      SyncToken: '0',
      CustomerRef: { value: o.customerId },
      DocNumber: o.docNumber,
      TxnDate: o.txnDate,
      Line: [{ DetailType: 'SalesItemLineDetail', Amount: o.total }],
      TotalAmt: o.total,
      Balance: o.total,
      RemainingCredit: o.total,
    };
    this.creditMemos.push(memo);
    return memo;
  }

  /** A payment; lines link invoices (positive) and credit memos used in it (QuickBooks' way of applying a credit). */
  addPayment(o: { customerId: string; txnDate: string; total: string; ref?: string; lines?: Array<{ invoiceId?: string; creditMemoId?: string; amount: string }>; id?: string }): Payment {
    const payment: Payment = {
      Id: o.id ?? this.nextId(),
      SyncToken: '0',
      CustomerRef: { value: o.customerId },
      TxnDate: o.txnDate,
      TotalAmt: o.total,
      PaymentRefNum: o.ref,
      Line: (o.lines ?? []).map((l) => ({
        Amount: l.amount,
        LinkedTxn: [{ TxnId: (l.invoiceId ?? l.creditMemoId) as string, TxnType: l.invoiceId ? 'Invoice' : 'CreditMemo' }],
      })),
    };
    this.payments.push(payment);
    this.refreshBalances();
    return payment;
  }

  /** As QuickBooks voids: amounts zeroed, "Voided" noted, the payments applied to it become unapplied. */
  voidInvoice(id: string): void {
    const invoice = this.invoices.find((i) => i.Id === id);
    if (!invoice) throw new Error(`no invoice ${id}`);
    Object.assign(invoice, { TotalAmt: '0', Balance: '0', Deposit: undefined, PrivateNote: 'Voided', Line: [], LinkedTxn: [] });
    for (const payment of this.payments) payment.Line = (payment.Line ?? []).filter((l) => !(l.LinkedTxn[0]?.TxnType === 'Invoice' && l.LinkedTxn[0]?.TxnId === id));
    this.refreshBalances();
  }

  removeInvoice(id: string): void {
    this.invoices = this.invoices.filter((i) => i.Id !== id);
  }

  private refreshBalances(): void {
    const applied = new Map<string, bigint>();
    for (const p of this.payments) {
      let net = 0n;
      for (const line of p.Line ?? []) {
        const link = line.LinkedTxn[0];
        applied.set(`${link.TxnType}:${link.TxnId}`, (applied.get(`${link.TxnType}:${link.TxnId}`) ?? 0n) + cents(line.Amount));
        net += link.TxnType === 'Invoice' ? cents(line.Amount) : -cents(line.Amount);
      }
      p.UnappliedAmt = usd(cents(p.TotalAmt) - net);
    }
    for (const i of this.invoices) {
      if (i.PrivateNote === 'Voided') continue;
      i.Balance = usd(cents(i.TotalAmt ?? '0') - cents(i.Deposit ?? '0') - (applied.get(`Invoice:${i.Id}`) ?? 0n));
    }
    for (const c of this.creditMemos) c.Balance = c.RemainingCredit = usd(cents(c.TotalAmt ?? '0') - (applied.get(`CreditMemo:${c.Id}`) ?? 0n));
  }

  private list(entity: string): Entity[] {
    switch (entity) {
      case 'Customer':
        return this.customers;
      case 'Invoice':
        return this.invoices;
      case 'CreditMemo':
        return this.creditMemos;
      case 'Payment':
        return this.payments;
      default:
        throw new Error(`the fake company has no ${entity}`);
    }
  }

  /** Runs a statement as QuickBooks' query endpoint would; returns the `QueryResponse` body. */
  async runStatement(statement: string): Promise<Record<string, unknown>> {
    this.statements.push(statement);
    await this.beforeQuery(statement);
    const match = /^SELECT (\*|COUNT\(\*\)) FROM (\w+)(?: WHERE (.+?))?(?: ORDERBY (\w+) (ASC|DESC))?(?: STARTPOSITION (\d+) MAXRESULTS (\d+))?$/.exec(statement);
    if (!match) throw new Error(`the fake company cannot run ${statement}`);
    const [, select, entity, where, , , start, max] = match;
    let rows = [...this.list(entity)];
    for (const condition of where ? where.split(' AND ') : []) {
      const txnDate = /^TxnDate <= '(\d{4}-\d{2}-\d{2})'$/.exec(condition);
      if (txnDate) rows = rows.filter((r) => ((r as Invoice).TxnDate ?? '') <= txnDate[1]);
      else if (condition !== "Active IN (true, false)") throw new Error(`the fake company cannot filter ${condition}`);
    }
    rows.sort((a, b) => Number(a.Id) - Number(b.Id));
    if (select !== '*') return { QueryResponse: { totalCount: rows.length } };
    const from = Number(start ?? 1) - 1;
    const page = rows.slice(from, from + Number(max ?? 1000)).map((r) => structuredClone(r));
    return { QueryResponse: page.length ? { [entity]: page, startPosition: from + 1, maxResults: page.length } : {} };
  }

  /** AgedReceivables as QuickBooks computes it from these entities (by due date), with `reportDrift` added. */
  agedReceivablesReport(params: { reportDate: string; agingPeriod: number; numPeriods: number }): QboReport {
    const buckets = agingBuckets({ periodDays: params.agingPeriod, periodCount: params.numPeriods });
    const day = toEpochDay(params.reportDate);
    const bucketOf = (due: string) => {
      const age = day - toEpochDay(due);
      return age <= 0 ? 0 : Math.min(Math.ceil(age / params.agingPeriod), params.numPeriods);
    };
    const payments = this.payments.filter((p) => (p.TxnDate ?? '') <= params.reportDate);
    const appliedTo = (type: string, id: string) =>
      payments.flatMap((p) => p.Line ?? []).filter((l) => l.LinkedTxn[0]?.TxnType === type && l.LinkedTxn[0]?.TxnId === id).reduce((sum, l) => sum + cents(l.Amount), 0n);
    const cells = new Map<string, bigint[]>();
    const add = (customerId: string, bucket: number, amount: bigint) => {
      if (amount === 0n) return;
      const row = cells.get(customerId) ?? buckets.map(() => 0n);
      row[bucket] += amount;
      cells.set(customerId, row);
    };
    for (const i of this.invoices) if ((i.TxnDate ?? '') <= params.reportDate) add(i.CustomerRef.value, bucketOf(i.DueDate ?? i.TxnDate ?? ''), i.PrivateNote === 'Voided' ? 0n : cents(i.TotalAmt ?? '0') - cents(i.Deposit ?? '0') - appliedTo('Invoice', i.Id));
    for (const c of this.creditMemos) if ((c.TxnDate ?? '') <= params.reportDate) add(c.CustomerRef.value, bucketOf(c.TxnDate ?? ''), -(cents(c.TotalAmt ?? '0') - appliedTo('CreditMemo', c.Id)));
    for (const p of payments) {
      const net = (p.Line ?? []).reduce((sum, l) => sum + (l.LinkedTxn[0]?.TxnType === 'Invoice' ? cents(l.Amount) : -cents(l.Amount)), 0n);
      add(p.CustomerRef.value, bucketOf(p.TxnDate ?? ''), -(cents(p.TotalAmt) - net));
    }
    for (const drift of this.reportDrift) add(drift.customerId, drift.bucket, cents(drift.amount));
    const grand = buckets.map(() => 0n);
    const rows = [...cells.entries()]
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([customerId, amounts]) => {
        amounts.forEach((a, i) => (grand[i] += a));
        const name = this.customers.find((c) => c.Id === customerId)?.DisplayName ?? customerId;
        return { ColData: [{ id: customerId, value: name }, ...amounts.map((a) => ({ value: a === 0n ? '' : usd(a) })), { value: usd(amounts.reduce((x, y) => x + y, 0n)) }] };
      });
    return {
      Header: { ReportName: 'AgedReceivables', Currency: 'USD', Option: [{ Name: 'report_date', Value: params.reportDate }, { Name: 'NoReportData', Value: rows.length ? 'false' : 'true' }] },
      Columns: { Column: [{ ColType: 'Customer', ColTitle: '' }, ...buckets.map((b) => ({ ColType: 'Money', ColTitle: b.label })), { ColType: 'Money', ColTitle: 'Total' }] },
      Rows: {
        Row: [
          ...rows,
          { group: 'GrandTotal', type: 'Section', Summary: { ColData: [{ value: 'TOTAL' }, ...grand.map((a) => ({ value: usd(a) })), { value: usd(grand.reduce((x, y) => x + y, 0n)) }] } },
        ],
      },
    };
  }

  /** The company as the run reads it in process, through the same query text the real client sends. */
  reader(): QboReader {
    return {
      realmId: this.realmId,
      query: async <E extends QueryableEntity>(query: QboQuery<E>, page = { startPosition: 1, maxResults: 1000 }): Promise<QueryPage<E>> => {
        const response = (await this.runStatement(query.toStatement(page)))['QueryResponse'] as Record<string, unknown>;
        const rows = (response[query.entity] ?? []) as QueryPage<E>['rows'];
        return { rows, startPosition: page.startPosition, count: rows.length };
      },
      count: async (query: QboQuery) => Number(((await this.runStatement(query.toCountStatement()))['QueryResponse'] as { totalCount: number }).totalCount),
      agedReceivables: async (params: AgedReceivablesParams = {}) =>
        parseAgedReceivables(this.agedReceivablesReport({ reportDate: params.reportDate ?? '2026-10-31', agingPeriod: params.agingPeriodDays ?? 30, numPeriods: params.numPeriods ?? 4 })),
    } as QboReader;
  }
}
