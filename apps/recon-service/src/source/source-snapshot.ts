import type { Sql } from '../database';

export interface SourceSnapshotParams {
  runId: string;
  tenantId: string;
  asOf: string;
  /** Chosen by the caller; null → the tenant's most common customer currency, else USD. */
  requestedCurrency: string | null;
}

export interface SourceSnapshot {
  currency: string;
  inSyncPoint: string | null;
  documents: number;
  /** Go or opening-balance documents left out because they are in another currency. */
  otherCurrencyDocuments: number;
}

/**
 * Go / no-go, as the sync-service decides it (apps/sync-service/src/push/tenant-settings.ts `isGo`): an explicit
 * `export` flag wins; otherwise a document dated before the in-sync point is no-go. Written in SQL so the snapshot
 * is one INSERT … SELECT. `$3` is the in-sync point (or null); `d` the document's row. Never NULL (a NULL would
 * drop the row from `where` silently): `export = 'go'` is NULL when export is NULL, `is not distinct from` is false.
 */
const GO = `(d.export is not distinct from 'go' or (d.export is null and ($3::date is null or d.txn_date >= $3::date)))`;
/** The opening balance: a document dated before the in-sync point that is not go (compared by totals only). */
const OPENING = `(not ${GO} and $3::date is not null and d.txn_date < $3::date)`;

/**
 * Copies the platform's A/R as of the run date from the sync-service's source ledger into the run's snapshot, in the
 * caller's transaction:
 *
 * - invoices that are approved and issued on or before the date; their open amount is the total less every
 *   application (payment not voided, credit memo not cancelled, both dated on or before the date) made on or before it;
 * - payments (not voided) received on or before the date: their amount not applied to such invoices, negative;
 * - credit memos (not cancelled) issued on or before the date: their credit not applied, negative;
 * - each marked go, or, before the in-sync point, as opening balance; no-go documents after it are left out.
 *
 * Applications to documents outside the snapshot (a draft, a cancelled or later invoice) do not reduce anything, so
 * the money stays unapplied on the payment, which is what the customer's account shows as of that date. Document
 * states are the ledger's latest (a payment voided after the date counts as voided), as QuickBooks' are.
 */
export async function takeSourceSnapshot(sql: Sql, sync: string, params: SourceSnapshotParams): Promise<SourceSnapshot> {
  const { runId, tenantId, asOf } = params;
  const [settings] = await sql<{ in_sync_point: string | null }>(
    `select to_char(in_sync_point, 'YYYY-MM-DD') as in_sync_point from ${sync}.tenant_settings where tenant_id = $1`,
    [tenantId],
  );
  const inSyncPoint = settings?.in_sync_point ?? null;
  const currency = params.requestedCurrency ?? (await commonCurrency(sql, sync, tenantId)) ?? 'USD';

  const documents = `
    with inv as (
      select i.id, i.customer_id, i.number, i.issue_date, i.due_date, i.currency, i.total, i.export
      from ${sync}.source_invoice i
      where i.tenant_id = $1 and i.status = 'approved' and i.issue_date <= $2::date
    ), pay as (
      select p.id, p.customer_id, p.reference, p.received_on, p.currency, p.amount, p.export
      from ${sync}.source_payment p
      where p.tenant_id = $1 and not p.voided and p.received_on <= $2::date
    ), cm as (
      select c.id, c.customer_id, c.number, c.issue_date, c.currency, c.total, c.export
      from ${sync}.source_credit_memo c
      where c.tenant_id = $1 and not c.cancelled and c.issue_date <= $2::date
    ), app as (
      select a.source_type, a.source_id, a.invoice_id, a.amount
      from ${sync}.source_application a
      join inv on inv.id = a.invoice_id
      where a.tenant_id = $1 and a.applied_on <= $2::date
        and ((a.source_type = 'payment' and exists (select 1 from pay where pay.id = a.source_id))
          or (a.source_type = 'credit-memo' and exists (select 1 from cm where cm.id = a.source_id)))
    ), applied_to as (
      select invoice_id, sum(amount) as amount from app group by invoice_id
    ), applied_by as (
      select source_type, source_id, sum(amount) as amount from app group by source_type, source_id
    ), d as (
      select 'invoice' as kind, inv.id, inv.customer_id, inv.number, inv.issue_date as txn_date, inv.due_date, inv.currency,
             inv.total, inv.total - coalesce(t.amount, 0) as open, inv.export
      from inv left join applied_to t on t.invoice_id = inv.id
      union all
      select 'payment', pay.id, pay.customer_id, pay.reference, pay.received_on, pay.received_on, pay.currency,
             pay.amount, -(pay.amount - coalesce(b.amount, 0)), pay.export
      from pay left join applied_by b on b.source_type = 'payment' and b.source_id = pay.id
      union all
      select 'credit-memo', cm.id, cm.customer_id, cm.number, cm.issue_date, cm.issue_date, cm.currency,
             cm.total, -(cm.total - coalesce(b.amount, 0)), cm.export
      from cm left join applied_by b on b.source_type = 'credit-memo' and b.source_id = cm.id
    )`;
  const [inserted] = await sql<{ count: string }>(
    `${documents}, ins as (
       insert into run_item (run_id, side, kind, id, customer_id, number, txn_date, due_date, currency, total, open, voided, linked_qbo_id, opening)
       select $4::uuid, 's', d.kind, d.id, d.customer_id, left(d.number, 64), d.txn_date, d.due_date, d.currency, d.total, d.open, false,
              case when ${GO} then l.qbo_id end, not ${GO}
       from d
       left join ${sync}.sync_link l on l.tenant_id = $1 and l.entity_type = d.kind and l.source_id = d.id
       where d.currency = $5 and (${GO} or ${OPENING})
       returning 1)
     select count(*)::text as count from ins`,
    [tenantId, asOf, inSyncPoint, runId, currency],
  );
  const [others] = await sql<{ count: string }>(
    `${documents} select count(*)::text as count from d where d.currency <> $4 and (${GO} or ${OPENING})`,
    [tenantId, asOf, inSyncPoint, currency],
  );

  await sql(
    `insert into run_customer (run_id, side, id, name, qbo_id)
     select $2::uuid, 's', c.id, c.display_name, coalesce(l.qbo_id, m.qbo_id)
     from ${sync}.source_customer c
     left join ${sync}.sync_link l on l.tenant_id = c.tenant_id and l.entity_type = 'customer' and l.source_id = c.id
     left join ${sync}.mapping m on m.tenant_id = c.tenant_id and m.entity_type = 'customer' and m.source_id = c.id
     where c.tenant_id = $1`,
    [tenantId, runId],
  );
  // QuickBooks ids linked to platform documents the snapshot leaves out, to explain them if QuickBooks still has them.
  await sql(
    `insert into run_link (run_id, kind, qbo_id, source_id, source_state)
     select $2::uuid, l.entity_type, l.qbo_id, l.source_id, left(coalesce(
       case l.entity_type
         when 'invoice' then case when i.id is null then 'unknown' when i.status <> 'approved' then i.status
           when i.issue_date > $3::date then 'issued after ' || $3::text when i.currency <> $4 then 'in ' || i.currency end
         when 'payment' then case when p.id is null then 'unknown' when p.voided then 'voided'
           when p.received_on > $3::date then 'received after ' || $3::text when p.currency <> $4 then 'in ' || p.currency end
         else case when c.id is null then 'unknown' when c.cancelled then 'cancelled'
           when c.issue_date > $3::date then 'issued after ' || $3::text when c.currency <> $4 then 'in ' || c.currency end
       end, 'marked no-go or part of the opening balance'), 64)
     from ${sync}.sync_link l
     left join ${sync}.source_invoice i on l.entity_type = 'invoice' and i.tenant_id = l.tenant_id and i.id = l.source_id
     left join ${sync}.source_payment p on l.entity_type = 'payment' and p.tenant_id = l.tenant_id and p.id = l.source_id
     left join ${sync}.source_credit_memo c on l.entity_type = 'credit-memo' and c.tenant_id = l.tenant_id and c.id = l.source_id
     where l.tenant_id = $1 and l.qbo_id is not null and l.entity_type in ('invoice', 'payment', 'credit-memo')
       and not exists (select 1 from run_item r where r.run_id = $2::uuid and r.side = 's' and r.kind = l.entity_type
                         and r.id = l.source_id and r.linked_qbo_id is not null)
     on conflict do nothing`,
    [tenantId, runId, asOf, currency],
  );
  return { currency, inSyncPoint, documents: Number(inserted.count), otherCurrencyDocuments: Number(others.count) };
}

async function commonCurrency(sql: Sql, sync: string, tenantId: string): Promise<string | undefined> {
  const [row] = await sql<{ currency: string }>(
    `select currency from ${sync}.source_customer where tenant_id = $1 group by currency order by count(*) desc, currency limit 1`,
    [tenantId],
  );
  return row?.currency;
}
