import { type DiscrepancyKind, formatMinorUnits, type MatchingSummary, parseMinorUnits, type TxnKind } from '@arbiter/domain';
import type { Sql } from '../database';
import type { Finding } from '../qbo/aged-receivables-check';
import { hashRunData } from './canonical-json';
import type { RunRow } from './run-store';

/** One bucket (or total) of a comparison, as on the wire: decimal strings, `difference = source − qbo`. */
export interface BucketRow {
  bucket: string;
  source: string;
  qbo: string;
  difference: string;
}

export interface Totals {
  source: string;
  qbo: string;
  difference: string;
}

/** What the compare phase stores on the run (`run.result`). */
export interface RunResult {
  bucketDefinitions: Array<{ id: string; label: string }>;
  buckets: BucketRow[];
  totals: Totals;
  discrepancyCounts: Partial<Record<DiscrepancyKind, number>>;
  discrepancyCount: number;
  /** Per kind, in report order: how many and their Σ difference (for report group headers). */
  kinds: Array<{ kind: DiscrepancyKind; count: number; difference: string }>;
  toleratedDifference: string;
  opening: { source: string; qbo: string };
  matching: MatchingSummary;
  findings: Finding[];
  customerCount: number;
  differingCustomerCount: number;
}

export interface CustomerResultRow {
  seq: number;
  customerId?: string;
  qboCustomerId?: string;
  name?: string;
  differs: boolean;
  buckets: BucketRow[];
  totals: Totals;
}

export interface DiscrepancyRow {
  seq: number;
  id: string;
  kind: DiscrepancyKind;
  txnKind?: TxnKind;
  customerId?: string;
  qboCustomerId?: string;
  customerName?: string;
  sourceId?: string;
  qboId?: string;
  number?: string;
  sourceAmount?: string;
  qboAmount?: string;
  difference: string;
  bucket?: string;
  qboBucket?: string;
  suggestedAction: string;
  note: string;
}

const BATCH = 2_000;
const optional = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

/** Customers in result order (`seq`), read in batches; only those with a difference when `differingOnly`. */
export async function* customerResults(sql: Sql, runId: string, options: { differingOnly?: boolean } = {}): AsyncGenerator<CustomerResultRow> {
  for (let after = -1; ; ) {
    const rows = await sql<{ seq: number; customer_id: string | null; qbo_customer_id: string | null; name: string | null; differs: boolean; buckets: BucketRow[]; totals: Totals }>(
      `select seq, customer_id, qbo_customer_id, name, differs, buckets, totals from run_customer_result
       where run_id = $1 and seq > $2 ${options.differingOnly ? 'and differs' : ''} order by seq limit ${BATCH}`,
      [runId, after],
    );
    for (const row of rows) {
      yield {
        seq: row.seq,
        customerId: optional(row.customer_id),
        qboCustomerId: optional(row.qbo_customer_id),
        name: optional(row.name),
        differs: row.differs,
        buckets: row.buckets,
        totals: row.totals,
      };
    }
    if (rows.length < BATCH) return;
    after = rows[rows.length - 1].seq;
  }
}

interface DiscrepancyRecord {
  seq: number;
  id: string;
  kind: DiscrepancyKind;
  txn_kind: TxnKind | null;
  customer_id: string | null;
  qbo_customer_id: string | null;
  customer_name: string | null;
  source_id: string | null;
  qbo_id: string | null;
  number: string | null;
  source_amount: string | null;
  qbo_amount: string | null;
  difference: string;
  bucket: string | null;
  qbo_bucket: string | null;
  suggested_action: string;
  note: string;
}

/** A page of discrepancies after `afterSeq`, optionally of one kind; amounts in the currency's digits. */
export async function discrepancyPage(
  sql: Sql,
  runId: string,
  currency: string,
  options: { kind?: DiscrepancyKind; afterSeq?: number; limit: number },
): Promise<DiscrepancyRow[]> {
  const params: unknown[] = [runId, options.afterSeq ?? -1, options.limit];
  if (options.kind) params.push(options.kind);
  const rows = await sql<DiscrepancyRecord>(
    `select seq, id, kind, txn_kind, customer_id, qbo_customer_id, customer_name, source_id, qbo_id, number,
            source_amount::text as source_amount, qbo_amount::text as qbo_amount, difference::text as difference,
            bucket, qbo_bucket, suggested_action, note
     from discrepancy where run_id = $1 and seq > $2 ${options.kind ? 'and kind = $4' : ''} order by seq limit $3`,
    params,
  );
  const money = (text: string) => formatMinorUnits(parseMinorUnits(text, currency), currency);
  return rows.map((r) => ({
    seq: r.seq,
    id: r.id,
    kind: r.kind,
    txnKind: optional(r.txn_kind),
    customerId: optional(r.customer_id),
    qboCustomerId: optional(r.qbo_customer_id),
    customerName: optional(r.customer_name),
    sourceId: optional(r.source_id),
    qboId: optional(r.qbo_id),
    number: optional(r.number),
    sourceAmount: r.source_amount === null ? undefined : money(r.source_amount),
    qboAmount: r.qbo_amount === null ? undefined : money(r.qbo_amount),
    difference: money(r.difference),
    bucket: optional(r.bucket),
    qboBucket: optional(r.qbo_bucket),
    suggestedAction: r.suggested_action,
    note: r.note,
  }));
}

/** Every discrepancy of a run (or of one kind) in report order, read in batches. */
export async function* discrepancyRows(sql: Sql, runId: string, currency: string, options: { kind?: DiscrepancyKind; afterSeq?: number } = {}): AsyncGenerator<DiscrepancyRow> {
  for (let after = options.afterSeq ?? -1; ; ) {
    const rows = await discrepancyPage(sql, runId, currency, { kind: options.kind, afterSeq: after, limit: BATCH });
    yield* rows;
    if (rows.length < BATCH) return;
    after = rows[rows.length - 1].seq;
  }
}

/**
 * The run part of the canonical data: what was compared (tenant, realm, date, basis, periods, currency, tolerance,
 * in-sync point) and what was found. The run id and timestamps are left out on purpose: two runs over the same books
 * with the same parameters — for example a run that crashed and resumed, and one that did not — have the same data
 * hash; the report binds the hash to its run id and time.
 */
export function canonicalRunPart(run: RunRow, result: RunResult): Record<string, unknown> {
  return {
    tenantId: run.tenantId,
    realmId: run.realmId,
    asOf: run.asOf,
    agingBasis: run.agingBasis,
    agingSchedule: { periodDays: run.periodDays, periodCount: run.periodCount, buckets: result.bucketDefinitions },
    currency: run.currency,
    tolerance: run.currency ? formatMinorUnits(parseMinorUnits(run.tolerance, run.currency), run.currency) : run.tolerance,
    inSyncPoint: run.inSyncPoint,
    status: run.status,
    buckets: result.buckets,
    totals: result.totals,
    discrepancyCounts: result.discrepancyCounts,
    toleratedDifference: result.toleratedDifference,
    opening: result.opening,
    matching: result.matching,
    findings: result.findings,
  };
}

const canonicalCustomer = ({ seq: _seq, ...row }: CustomerResultRow): Record<string, unknown> => ({ ...row });
const canonicalDiscrepancy = ({ seq: _seq, id: _id, ...row }: DiscrepancyRow): Record<string, unknown> => ({ ...row });

async function* mapped<T, U>(rows: AsyncIterable<T>, fn: (row: T) => U): AsyncGenerator<U> {
  for await (const row of rows) yield fn(row);
}

/** SHA-256 of the run's canonical data, recomputed from what is stored (see `hashRunData`). */
export async function computeDataSha256(sql: Sql, run: RunRow): Promise<string> {
  const result = run.result as RunResult;
  const currency = run.currency as string;
  return hashRunData(
    canonicalRunPart(run, result),
    mapped(customerResults(sql, run.id), canonicalCustomer),
    mapped(discrepancyRows(sql, run.id, currency), canonicalDiscrepancy),
  );
}
