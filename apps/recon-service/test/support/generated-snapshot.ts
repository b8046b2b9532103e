import { randomUUID } from 'node:crypto';

/** Anything that runs SQL with `$n` placeholders (a `pg` Client or Pool). */
interface Queryable {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

export interface GeneratedSnapshot {
  runId: string;
  tenantId: string;
  asOf: string;
  /** Documents per side. */
  documents: number;
  customers: number;
  /** Every `driftEvery`-th QuickBooks document is 1.00 larger (an amount_mismatch each). */
  driftEvery: number;
}

/**
 * A run waiting at its compare phase with a generated snapshot, written by PostgreSQL itself (generate_series), as
 * the load phases would have left it: document i is an invoice (80 %), a payment (15 %) or a credit memo (5 %) of
 * customer i mod customers, dated 30 + (i mod 360) days before the run date, invoices due 30 days later, with
 * total (100 + i·7919 mod 2,000,000) cents; both sides linked by the stored QuickBooks Id. `expectedBuckets` computes
 * the aging from the same rules, independently of the service.
 */
export async function loadGeneratedSnapshot(db: Queryable, options: Omit<GeneratedSnapshot, 'runId'> & { runId?: string }): Promise<GeneratedSnapshot> {
  const snapshot = { ...options, runId: options.runId ?? randomUUID() };
  const { runId, tenantId, asOf, documents, customers, driftEvery } = snapshot;
  await db.query(
    `insert into recon.run (id, tenant_id, as_of, aging_basis, period_days, period_count, tolerance, trigger, state, phase,
                            realm_id, currency, qbo_report, progress_done, progress_total, started_at)
     values ($1, $2, $3, 'due_date', 30, 4, 0, 'api', 'running', 'compare', '9130350000000001', 'USD', null, 3, 6, now())`,
    [runId, tenantId, asOf],
  );
  await db.query(
    `insert into recon.run_customer (run_id, side, id, name, qbo_id)
     select $1::uuid, 's', 'cus-' || c, 'Customer ' || c, (5000 + c)::text from generate_series(0, $2::int - 1) c
     union all
     select $1::uuid, 'q', (5000 + c)::text, 'Customer ' || c, null from generate_series(0, $2::int - 1) c`,
    [runId, customers],
  );
  const documentsSql = (side: 's' | 'q') => `
    insert into recon.run_item (run_id, side, kind, id, customer_id, number, txn_date, due_date, currency, total, open, linked_qbo_id)
    select $1::uuid, '${side}', d.kind, ${side === 's' ? `'s' || d.i` : '(1000000 + d.i)::text'},
           ${side === 's' ? `'cus-' || (d.i % $3::int)` : '(5000 + d.i % $3::int)::text'},
           case when d.kind = 'payment' then null else 'N' || d.i end,
           d.txn_date, case when d.kind = 'invoice' then d.txn_date + 30 else d.txn_date end, 'USD',
           d.total, case when d.kind = 'invoice' then d.total else -d.total end,
           ${side === 's' ? '(1000000 + d.i)::text' : 'null'}
    from (select i, case when i % 20 < 16 then 'invoice' when i % 20 < 19 then 'payment' else 'credit-memo' end as kind,
                 $4::date - (30 + i % 360) as txn_date,
                 (100 + (i::bigint * 7919) % 2000000) / 100.0 ${side === 'q' ? '+ case when i % $5::int = 0 then 1 else 0 end' : ''} as total
          from generate_series(0, $2::int - 1) i) d`;
  await db.query(documentsSql('s'), [runId, documents, customers, asOf]);
  await db.query(documentsSql('q'), [runId, documents, customers, asOf, driftEvery]);
  await db.query('analyze recon.run_item, recon.run_customer');
  return snapshot;
}

const BUCKETS = ['current', '1-30', '31-60', '61-90', '91+'] as const;
const text = (units: bigint): string => {
  const abs = units < 0n ? -units : units;
  return `${units < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
};

/** The run's buckets (due-date aging, 4 × 30 days) for a generated snapshot, computed from the generation rules. */
export function expectedBuckets(snapshot: GeneratedSnapshot): Array<{ bucket: string; source: string; qbo: string; difference: string }> {
  const source = BUCKETS.map(() => 0n);
  const qbo = BUCKETS.map(() => 0n);
  for (let i = 0; i < snapshot.documents; i++) {
    const slot = i % 20;
    const invoice = slot < 16;
    const age = invoice ? i % 360 : 30 + (i % 360); // days past due as of the run date
    const bucket = age <= 0 ? 0 : age <= 30 ? 1 : age <= 60 ? 2 : age <= 90 ? 3 : 4;
    const cents = 100n + ((BigInt(i) * 7919n) % 2_000_000n);
    const drift = i % snapshot.driftEvery === 0 ? 100n : 0n;
    source[bucket] += invoice ? cents : -cents;
    qbo[bucket] += invoice ? cents + drift : -(cents + drift);
  }
  return BUCKETS.map((bucket, b) => ({ bucket, source: text(source[b]), qbo: text(qbo[b]), difference: text(source[b] - qbo[b]) }));
}
