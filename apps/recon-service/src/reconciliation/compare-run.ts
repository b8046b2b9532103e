import {
  DISCREPANCY_KINDS,
  formatMinorUnits,
  type LinkedSourceInfo,
  Money,
  parseMinorUnits,
  type QboItem,
  qboKey,
  reconcile,
  type Reconciliation,
  type SourceItem,
  type TxnKind,
} from '@arbiter/domain';
import type { Sql } from '../database';
import { RunFailure } from '../errors';
import { crossCheckAgedReceivables, type Finding } from '../qbo/aged-receivables-check';
import type { StoredAgedReceivables } from '../qbo/qbo-snapshot';
import type { BucketRow, RunResult } from './run-data';
import type { RunCheckpoint, RunRow } from './run-store';
import { stableUuid } from './stable-id';

const READ_BATCH = 20_000;
const WRITE_BATCH = 2_000;

interface Snapshot {
  source: SourceItem[];
  qbo: QboItem[];
  customerLinks: Map<string, string>;
  linkedSources: Map<string, LinkedSourceInfo>;
  sourceNames: Map<string, string>;
  qboNames: Map<string, string>;
}

/**
 * The compare phase: reads the run's snapshot (never the live ledgers, so a resumed run compares exactly what the
 * first attempt read), reconciles it with the domain, checks that it ties out, and returns what to store.
 * @throws RunFailure TIE_OUT_VIOLATION when the totals do not add up (the run fails loudly, with the violations)
 */
export async function compareRun(sql: Sql, run: RunRow): Promise<{ reconciliation: Reconciliation; result: RunResult; snapshot: Snapshot }> {
  const currency = run.currency as string;
  const snapshot = await readSnapshot(sql, run.id, currency);
  const tolerance = Money.fromMinorUnits(parseMinorUnits(run.tolerance, currency), currency);
  const reconciliation = reconcile({
    asOf: run.asOf,
    currency,
    basis: run.agingBasis,
    schedule: { periodDays: run.periodDays, periodCount: run.periodCount },
    tolerance,
    inSyncPoint: run.inSyncPoint,
    source: snapshot.source,
    qbo: snapshot.qbo,
    customerLinks: snapshot.customerLinks,
    linkedSources: snapshot.linkedSources,
  });
  const text = (buckets: Reconciliation['buckets']): BucketRow[] =>
    buckets.map((b) => ({ bucket: b.bucket, source: b.source.toString(), qbo: b.qbo.toString(), difference: b.difference.toString() }));
  if (reconciliation.violations.length > 0) {
    throw new RunFailure('TIE_OUT_VIOLATION', `the run does not tie out: ${reconciliation.violations.map((v) => v.message).join('; ')}`, {
      violations: reconciliation.violations.map((v) => ({ total: v.total, expected: v.expected.toString(), actual: v.actual.toString(), message: v.message })),
      buckets: text(reconciliation.buckets),
    });
  }
  const checkpoint = run.checkpoint;
  const findings: Finding[] = [
    ...crossCheckAgedReceivables(run.qboReport as StoredAgedReceivables | null, snapshot.qbo, {
      asOf: run.asOf,
      basis: run.agingBasis,
      schedule: reconciliation.schedule,
      bucketDefinitions: reconciliation.bucketDefinitions,
      currency,
    }),
    ...otherCurrencyFindings(checkpoint, currency),
  ];
  if (reconciliation.matching.brokenLinks > 0) {
    findings.push({
      kind: 'broken_links',
      message: `${reconciliation.matching.brokenLinks} platform documents are linked to QuickBooks ids that QuickBooks does not have dated on or before ${run.asOf}`,
      details: { count: reconciliation.matching.brokenLinks },
    });
  }
  const kinds = DISCREPANCY_KINDS.map((kind) => {
    let count = 0;
    let difference = 0n;
    for (const d of reconciliation.discrepancies) {
      if (d.kind !== kind) continue;
      count++;
      difference += d.difference.toMinorUnits();
    }
    return { kind, count, difference: formatMinorUnits(difference, currency) };
  }).filter((k) => k.count > 0);
  const result: RunResult = {
    bucketDefinitions: reconciliation.bucketDefinitions.map((b) => ({ id: b.id, label: b.label })),
    buckets: text(reconciliation.buckets),
    totals: {
      source: reconciliation.totals.source.toString(),
      qbo: reconciliation.totals.qbo.toString(),
      difference: reconciliation.totals.difference.toString(),
    },
    discrepancyCounts: reconciliation.discrepancyCounts,
    discrepancyCount: reconciliation.discrepancies.length,
    kinds,
    toleratedDifference: reconciliation.toleratedDifference.toString(),
    opening: { source: reconciliation.opening.source.toString(), qbo: reconciliation.opening.qbo.toString() },
    matching: reconciliation.matching,
    findings,
    customerCount: reconciliation.customers.length,
    differingCustomerCount: reconciliation.customers.filter((c) => c.differs).length,
  };
  return { reconciliation, result, snapshot };
}

function otherCurrencyFindings(checkpoint: RunCheckpoint, currency: string): Finding[] {
  const source = checkpoint.sourceOtherCurrency ?? 0;
  const qbo = checkpoint.qboOtherCurrency ?? 0;
  if (source === 0 && qbo === 0) return [];
  return [
    {
      kind: 'other_currency',
      message: `${source} platform and ${qbo} QuickBooks documents are not in ${currency} and were left out (reconcile them in a run of their currency)`,
      details: { source, qbo },
    },
  ];
}

/** Writes the results in the caller's transaction: customers and discrepancies in `seq` order, append-only. */
export async function storeComparison(sql: Sql, run: RunRow, reconciliation: Reconciliation, snapshot: Snapshot): Promise<void> {
  const nameOf = (customerId?: string, qboCustomerId?: string): string | null =>
    (customerId !== undefined ? snapshot.sourceNames.get(customerId) : undefined) ??
    (qboCustomerId !== undefined ? snapshot.qboNames.get(qboCustomerId) : undefined) ??
    null;
  const customers = reconciliation.customers;
  for (let start = 0; start < customers.length; start += WRITE_BATCH) {
    const batch = customers.slice(start, start + WRITE_BATCH);
    await sql(
      `insert into run_customer_result (run_id, seq, customer_id, qbo_customer_id, name, differs, buckets, totals)
       select $1::uuid, seq, customer_id, qbo_customer_id, name, differs, buckets, totals
       from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::jsonb[], $8::jsonb[])
         as t(seq, customer_id, qbo_customer_id, name, differs, buckets, totals)`,
      [
        run.id,
        batch.map((_, i) => start + i),
        batch.map((c) => c.customerId ?? null),
        batch.map((c) => c.qboCustomerId ?? null),
        batch.map((c) => nameOf(c.customerId, c.qboCustomerId)),
        batch.map((c) => c.differs),
        batch.map((c) => JSON.stringify(c.buckets.map((b) => ({ bucket: b.bucket, source: b.source.toString(), qbo: b.qbo.toString(), difference: b.difference.toString() })))),
        batch.map((c) => JSON.stringify({ source: c.totals.source.toString(), qbo: c.totals.qbo.toString(), difference: c.totals.difference.toString() })),
      ],
    );
  }
  const discrepancies = reconciliation.discrepancies;
  for (let start = 0; start < discrepancies.length; start += WRITE_BATCH) {
    const batch = discrepancies.slice(start, start + WRITE_BATCH);
    const money = (m: Money | undefined) => (m === undefined ? null : m.toString());
    await sql(
      `insert into discrepancy (run_id, seq, id, kind, txn_kind, customer_id, qbo_customer_id, customer_name, source_id, qbo_id, number,
                                source_amount, qbo_amount, difference, bucket, qbo_bucket, suggested_action, note)
       select $1::uuid, t.*
       from unnest($2::int[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
                   $12::numeric[], $13::numeric[], $14::numeric[], $15::text[], $16::text[], $17::text[], $18::text[]) as t`,
      [
        run.id,
        batch.map((_, i) => start + i),
        batch.map((_, i) => stableUuid(`${run.id}:discrepancy:${start + i}`)),
        batch.map((d) => d.kind),
        batch.map((d) => d.txnKind ?? null),
        batch.map((d) => d.customerId ?? null),
        batch.map((d) => d.qboCustomerId ?? null),
        batch.map((d) => nameOf(d.customerId, d.qboCustomerId)),
        batch.map((d) => d.sourceId ?? null),
        batch.map((d) => d.qboId ?? null),
        batch.map((d) => d.number ?? null),
        batch.map((d) => money(d.sourceAmount)),
        batch.map((d) => money(d.qboAmount)),
        batch.map((d) => d.difference.toString()),
        batch.map((d) => d.bucket ?? null),
        batch.map((d) => d.qboBucket ?? null),
        batch.map((d) => d.suggestedAction),
        batch.map((d) => d.note),
      ],
    );
  }
}

/** One string per distinct value: a million snapshot rows repeat a few thousand customers and dates. */
class Interned {
  private readonly known = new Map<string, string>();

  of(text: string): string {
    const known = this.known.get(text);
    if (known !== undefined) return known;
    this.known.set(text, text);
    return text;
  }
}

/** The kind as one of three constants: comparing a short string is cheaper than hashing it, a million times over. */
function kindOf(kind: string): TxnKind {
  if (kind === 'invoice') return 'invoice';
  if (kind === 'payment') return 'payment';
  if (kind === 'credit-memo') return 'credit-memo';
  throw new RunFailure('INVALID_DATA', `the snapshot holds a document of unknown kind ${JSON.stringify(kind)}`);
}

interface ItemRow {
  kind: TxnKind;
  id: string;
  customer_id: string;
  number: string | null;
  txn_date: string;
  due_date: string;
  total: string;
  open: string | null;
  voided: boolean;
  linked_qbo_id: string | null;
  opening: boolean;
}

/**
 * One side of the snapshot in (kind, id) order, by keyset pages on the primary key. The order makes the comparison
 * deterministic (matching ties go to input order), so a resumed run reproduces the same result and hash.
 */
async function readSide(sql: Sql, runId: string, side: 's' | 'q', onRow: (row: ItemRow) => void): Promise<void> {
  for (let after: [string, string] = ['', '']; ; ) {
    const rows = await sql<ItemRow>(
      `select kind, id, customer_id, number, to_char(txn_date, 'YYYY-MM-DD') as txn_date, to_char(due_date, 'YYYY-MM-DD') as due_date,
              total::text as total, open::text as open, voided, linked_qbo_id, opening
       from run_item where run_id = $1 and side = $2 and (kind, id) > ($3, $4) order by kind, id limit ${READ_BATCH}`,
      [runId, side, ...after],
    );
    for (const row of rows) onRow(row);
    if (rows.length < READ_BATCH) return;
    const last = rows[rows.length - 1];
    after = [last.kind, last.id];
  }
}

async function readSnapshot(sql: Sql, runId: string, currency: string): Promise<Snapshot> {
  const source: SourceItem[] = [];
  const qbo: QboItem[] = [];
  const strings = new Interned();
  const open = (row: ItemRow): string => {
    if (row.open === null) throw new RunFailure('INVALID_DATA', `QuickBooks ${row.kind} ${row.id} has no open amount in the snapshot`);
    return row.open;
  };
  // Each document is built once, in its final shape (no intermediate object per row: 2,000,000 rows of garbage).
  // The two sides on two connections at once: PostgreSQL reads one side's next page while this thread parses the other's.
  await Promise.all([
    readSide(sql, runId, 's', (row) =>
      source.push({
        kind: kindOf(row.kind),
        id: row.id,
        customerId: strings.of(row.customer_id),
        number: row.number ?? undefined,
        txnDate: strings.of(row.txn_date),
        dueDate: strings.of(row.due_date),
        totalMinor: parseMinorUnits(row.total, currency),
        openMinor: parseMinorUnits(open(row), currency),
        qboId: row.linked_qbo_id ?? undefined,
        opening: row.opening,
      }),
    ),
    readSide(sql, runId, 'q', (row) =>
      qbo.push({
        kind: kindOf(row.kind),
        id: row.id,
        customerId: strings.of(row.customer_id),
        number: row.number ?? undefined,
        txnDate: strings.of(row.txn_date),
        dueDate: strings.of(row.due_date),
        totalMinor: parseMinorUnits(row.total, currency),
        openMinor: parseMinorUnits(open(row), currency),
        voided: row.voided,
      }),
    ),
  ]);
  const customerLinks = new Map<string, string>();
  const sourceNames = new Map<string, string>();
  const qboNames = new Map<string, string>();
  for (const row of await sql<{ side: 's' | 'q'; id: string; name: string; qbo_id: string | null }>(
    `select side, id, name, qbo_id from run_customer where run_id = $1 order by side, id`,
    [runId],
  )) {
    if (row.side === 's') {
      sourceNames.set(row.id, row.name);
      if (row.qbo_id !== null) customerLinks.set(row.id, row.qbo_id);
    } else {
      qboNames.set(row.id, row.name);
    }
  }
  const linkedSources = new Map<string, LinkedSourceInfo>();
  for (const row of await sql<{ kind: TxnKind; qbo_id: string; source_id: string; source_state: string }>(
    `select kind, qbo_id, source_id, source_state from run_link where run_id = $1`,
    [runId],
  )) {
    linkedSources.set(qboKey(row.kind, row.qbo_id), { sourceId: row.source_id, state: row.source_state });
  }
  return { source, qbo, customerLinks, linkedSources, sourceNames, qboNames };
}
