import { formatMinorUnits, parseMinorUnits } from '@arbiter/domain';
import {
  type AgedReceivablesSummary,
  type CreditMemo,
  type Customer,
  type Invoice,
  type Payment,
  QBO_MAX_RESULTS,
  type QboQuery,
  qboQuery,
} from '@arbiter/qbo-client';
import type { Sql } from '../database';
import type { QboReader } from './qbo-companies';

/** The entity pulls of a run, in order; a checkpoint names the step and the next page's start position. */
export const QBO_STEPS = ['Customer', 'Invoice', 'CreditMemo', 'Payment'] as const;
export type QboStep = (typeof QBO_STEPS)[number];

export interface QboSnapshotScope {
  runId: string;
  asOf: string;
  currency: string;
}

/**
 * The query of each step. Transactions are read as of the run date from their full history: every invoice, credit
 * memo and payment dated on or before it, whatever its balance now. QuickBooks gives only the current `Balance`;
 * the open amount as of the date is rebuilt from `TotalAmt` and the payment lines dated on or before it (see
 * `deriveQboOpenAmounts`), exactly as QuickBooks' own aging report does.
 */
export function stepQuery(step: QboStep, asOf: string): QboQuery {
  const query = step === 'Customer' ? qboQuery('Customer').where('Active', 'IN', [true, false]) : qboQuery(step).where('TxnDate', '<=', asOf);
  return query.orderBy('Id');
}

export interface QboPage {
  step: QboStep;
  rows: Array<Customer | Invoice | CreditMemo | Payment>;
  /** Where the next page starts, or undefined when this was the last page. */
  nextStart: number | undefined;
}

/**
 * Reads one page of a step (at most 1000 rows: QuickBooks' limit). The paging is `QboCompany.queryPages`' (ordered by
 * Id, advancing by the rows returned), unrolled so that a run can resume at the page it stopped on.
 * @throws QboError
 */
export async function fetchQboPage(company: QboReader, step: QboStep, asOf: string, start: number): Promise<QboPage> {
  const page = await company.query(stepQuery(step, asOf), { startPosition: start, maxResults: QBO_MAX_RESULTS });
  return { step, rows: page.rows as QboPage['rows'], nextStart: page.count < QBO_MAX_RESULTS ? undefined : start + page.count };
}

/**
 * Writes a page to the snapshot in the caller's transaction (together with the checkpoint, so a crash repeats at most
 * that one page); returns how many documents were left out for being in another currency.
 * @throws DomainError INVALID_AMOUNT for an amount finer than the currency's minor unit.
 */
export async function storeQboPage(sql: Sql, scope: QboSnapshotScope, page: QboPage): Promise<{ otherCurrency: number }> {
  if (page.step === 'Customer') {
    await insertCustomers(sql, scope.runId, page.rows as Customer[]);
    return { otherCurrency: 0 };
  }
  const step = page.step;
  const items: ItemRow[] = [];
  const lines: ApplicationRow[] = [];
  let otherCurrency = 0;
  for (const row of page.rows as Array<Invoice | CreditMemo | Payment>) {
    if ((row.CurrencyRef?.value ?? scope.currency) !== scope.currency) {
      otherCurrency++;
      continue;
    }
    items.push(itemOf(step, row, scope));
    if (step === 'Payment') lines.push(...applicationsOf(row as Payment, scope.currency));
  }
  await insertItems(sql, scope.runId, items);
  await insertApplications(sql, scope.runId, lines);
  return { otherCurrency };
}

interface ItemRow {
  kind: 'invoice' | 'credit-memo' | 'payment';
  id: string;
  customerId: string;
  number: string | null;
  txnDate: string;
  dueDate: string;
  currency: string;
  total: string;
  voided: boolean;
}

interface ApplicationRow {
  paymentId: string;
  line: number;
  targetKind: 'invoice' | 'credit-memo';
  targetId: string;
  amount: string;
}

/** A QuickBooks void zeroes the amounts and prepends "Voided" to the private note (qbo-api.md §3.4). */
const isVoided = (row: Invoice | CreditMemo | Payment): boolean =>
  /^-?0*(\.0*)?$/.test(row.TotalAmt ?? '0') && /^voided/i.test(row.PrivateNote ?? '');

const parseMinorUnitsOrZero = (value: string | undefined, currency: string): bigint => (value === undefined ? 0n : parseMinorUnits(value, currency));

function itemOf(step: Exclude<QboStep, 'Customer'>, row: Invoice | CreditMemo | Payment, scope: QboSnapshotScope): ItemRow {
  const txnDate = row.TxnDate ?? scope.asOf;
  const total = parseMinorUnitsOrZero(row.TotalAmt, scope.currency);
  if (step === 'Invoice') {
    const invoice = row as Invoice;
    // A deposit taken on the invoice is never owed: QuickBooks' Balance starts at TotalAmt − Deposit.
    const deposit = parseMinorUnitsOrZero(invoice.Deposit, scope.currency);
    return {
      kind: 'invoice',
      id: invoice.Id,
      customerId: invoice.CustomerRef.value,
      number: invoice.DocNumber?.slice(0, 64) ?? null,
      txnDate,
      dueDate: invoice.DueDate ?? txnDate,
      currency: scope.currency,
      total: formatMinorUnits(total - deposit, scope.currency),
      voided: isVoided(invoice),
    };
  }
  const isPayment = step === 'Payment';
  return {
    kind: isPayment ? 'payment' : 'credit-memo',
    id: row.Id,
    customerId: row.CustomerRef.value,
    number: (isPayment ? (row as Payment).PaymentRefNum : (row as CreditMemo).DocNumber)?.slice(0, 64) ?? null,
    txnDate,
    dueDate: txnDate,
    currency: scope.currency,
    total: formatMinorUnits(total, scope.currency),
    voided: isVoided(row),
  };
}

function applicationsOf(payment: Payment, currency: string): ApplicationRow[] {
  const rows: ApplicationRow[] = [];
  (payment.Line ?? []).forEach((line, index) => {
    const linked = line.LinkedTxn?.[0];
    if (!linked || (linked.TxnType !== 'Invoice' && linked.TxnType !== 'CreditMemo')) return;
    rows.push({
      paymentId: payment.Id,
      line: index,
      targetKind: linked.TxnType === 'Invoice' ? 'invoice' : 'credit-memo',
      targetId: linked.TxnId,
      amount: formatMinorUnits(parseMinorUnits(line.Amount, currency), currency),
    });
  });
  return rows;
}

async function insertCustomers(sql: Sql, runId: string, customers: readonly Customer[]): Promise<void> {
  if (customers.length === 0) return;
  await sql(
    `insert into run_customer (run_id, side, id, name)
     select $1::uuid, 'q', id, name from unnest($2::text[], $3::text[]) as c(id, name)
     on conflict do nothing`,
    [runId, customers.map((c) => c.Id), customers.map((c) => (c.FullyQualifiedName ?? c.DisplayName ?? '').slice(0, 500))],
  );
}

async function insertItems(sql: Sql, runId: string, items: readonly ItemRow[]): Promise<void> {
  if (items.length === 0) return;
  const column = <K extends keyof ItemRow>(key: K) => items.map((item) => item[key]);
  await sql(
    `insert into run_item (run_id, side, kind, id, customer_id, number, txn_date, due_date, currency, total, voided)
     select $1::uuid, 'q', kind, id, customer_id, number, txn_date, due_date, currency, total, voided
     from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::date[], $8::text[], $9::numeric[], $10::boolean[])
       as t(kind, id, customer_id, number, txn_date, due_date, currency, total, voided)
     on conflict do nothing`,
    [runId, column('kind'), column('id'), column('customerId'), column('number'), column('txnDate'), column('dueDate'), column('currency'), column('total'), column('voided')],
  );
}

async function insertApplications(sql: Sql, runId: string, lines: readonly ApplicationRow[]): Promise<void> {
  if (lines.length === 0) return;
  const column = <K extends keyof ApplicationRow>(key: K) => lines.map((line) => line[key]);
  await sql(
    `insert into run_qbo_application (run_id, payment_id, line, target_kind, target_id, amount)
     select $1::uuid, payment_id, line, target_kind, target_id, amount
     from unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::numeric[]) as t(payment_id, line, target_kind, target_id, amount)
     on conflict do nothing`,
    [runId, column('paymentId'), column('line'), column('targetKind'), column('targetId'), column('amount')],
  );
}

/**
 * Open amounts as of the run date, from the snapshot alone (QuickBooks' own arithmetic, qbo-api.md §3.5):
 * invoice = TotalAmt − Deposit − Σ payment lines to it; credit memo = −(TotalAmt − Σ payment lines to it);
 * payment = −(TotalAmt − Σ invoice lines + Σ credit-memo lines). Only payments dated on or before the date are in
 * the snapshot, so later payments do not count. A voided document is open for nothing.
 */
export async function deriveQboOpenAmounts(sql: Sql, runId: string): Promise<void> {
  await sql(
    `with applied as (
       select target_kind as kind, target_id as id, sum(amount) as amount from run_qbo_application where run_id = $1 group by 1, 2)
     update run_item i
     set open = (case when i.kind = 'invoice' then 1 else -1 end) * (case when i.voided then 0 else i.total - coalesce(a.amount, 0) end)
     from run_item j left join applied a on a.kind = j.kind and a.id = j.id
     where i.run_id = $1 and i.side = 'q' and i.kind in ('invoice', 'credit-memo')
       and j.run_id = i.run_id and j.side = i.side and j.kind = i.kind and j.id = i.id`,
    [runId],
  );
  await sql(
    `with lines as (
       select payment_id, sum(case when target_kind = 'invoice' then amount else -amount end) as applied
       from run_qbo_application where run_id = $1 group by payment_id)
     update run_item i
     set open = -(case when i.voided then 0 else i.total - coalesce(l.applied, 0) end)
     from run_item j left join lines l on l.payment_id = j.id
     where i.run_id = $1 and i.side = 'q' and i.kind = 'payment'
       and j.run_id = i.run_id and j.side = i.side and j.kind = i.kind and j.id = i.id`,
    [runId],
  );
}

/** Stored on the run as read; compared with the entities when the run compares (`aged-receivables-check.ts`). */
export type StoredAgedReceivables =
  | { ok: true; summary: AgedReceivablesSummary }
  | { ok: false; error: string };

/**
 * QuickBooks' own A/R aging for the date, with the run's periods, as a cross-check of the entity pull. A report
 * failure does not fail the run: it is recorded and shown as a finding.
 */
export async function readAgedReceivables(
  company: QboReader,
  params: { asOf: string; periodDays: number; periodCount: number },
): Promise<StoredAgedReceivables> {
  try {
    const summary = await company.agedReceivables({
      reportDate: params.asOf,
      agingMethod: 'Report_Date',
      accountingMethod: 'Accrual',
      agingPeriodDays: params.periodDays,
      numPeriods: params.periodCount,
    });
    return { ok: true, summary };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}
