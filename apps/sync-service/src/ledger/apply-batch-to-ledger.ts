import type { InboundEvent } from '@arbiter/contracts';
import type { Prepared } from '../sql';
import type { SyncWork } from './sync-work';

type Row = Record<string, unknown>;

/** The folded outcome of one document's applied events in a group, in recording order. */
interface Folded {
  tenantId: string;
  id: string;
  version: number;
  upsert?: Row;
  /** cancelled / voided after (or without) an upsert in this group */
  flagged?: boolean;
  applications?: { invoiceId: string; amount: string; appliedOn: string }[];
  work?: SyncWork;
}

const workFor = (e: InboundEvent): SyncWork | null => {
  const id = (e.data as { id: string }).id;
  const v = e.entityVersion;
  switch (e.eventType) {
    case 'customer.upserted':
      return { entityType: 'customer', sourceId: id, version: v, reason: 'upsert' };
    case 'item.upserted':
      return { entityType: 'item', sourceId: id, version: v, reason: 'upsert' };
    case 'invoice.upserted':
      return e.data.status === 'approved' ? { entityType: 'invoice', sourceId: id, version: v, reason: 'upsert' }
        : e.data.status === 'cancelled' ? { entityType: 'invoice', sourceId: id, version: v, reason: 'void' } : null;
    case 'invoice.cancelled':
      return { entityType: 'invoice', sourceId: id, version: v, reason: 'void' };
    case 'payment.recorded':
      return { entityType: 'payment', sourceId: id, version: v, reason: 'upsert' };
    case 'payment.voided':
      return { entityType: 'payment', sourceId: id, version: v, reason: 'void' };
    case 'credit-memo.upserted':
      return { entityType: 'credit-memo', sourceId: id, version: v, reason: 'upsert' };
    case 'credit-memo.cancelled':
      return { entityType: 'credit-memo', sourceId: id, version: v, reason: 'void' };
  }
};

/**
 * Writes a group of applied events (already deduplicated and version-checked, in recording order, so every
 * partition's order is kept) into the source ledger with one prepared, set-based statement per table, and queues
 * the QuickBooks work once per document.
 * Folding keeps the sequential meaning: the last upsert of a document wins, a later cancel/void flags it, and
 * the work queued is that of the document's last event that causes work.
 */
export async function applyBatchToLedger(run: Prepared, events: readonly InboundEvent[]): Promise<number> {
  const docs = new Map<string, Map<string, Folded>>();
  const fold = (kind: string, e: InboundEvent): Folded => {
    const byKey = docs.get(kind) ?? new Map<string, Folded>();
    docs.set(kind, byKey);
    const key = `${e.tenantId}\u0000${(e.data as { id: string }).id}`;
    const f = byKey.get(key) ?? { tenantId: e.tenantId, id: (e.data as { id: string }).id, version: e.entityVersion };
    f.version = e.entityVersion;
    byKey.set(key, f);
    const w = workFor(e);
    if (w) f.work = w;
    return f;
  };
  for (const e of events) {
    switch (e.eventType) {
      case 'customer.upserted': {
        const d = e.data;
        fold('customer', e).upsert = { display_name: d.displayName, billing_email: d.billingEmail ?? null, company_name: d.companyName ?? null, currency: d.currency, payment_terms_days: d.paymentTermsDays ?? null, active: d.active };
        break;
      }
      case 'item.upserted': {
        const d = e.data;
        fold('item', e).upsert = { sku: d.sku ?? null, name: d.name, description: d.description ?? null, unit_price: d.unitPrice ?? null, income_account_code: d.incomeAccountCode ?? null, active: d.active };
        break;
      }
      case 'invoice.upserted': {
        const d = e.data;
        const f = fold('invoice', e);
        f.upsert = { number: d.number, customer_id: d.customerId, issue_date: d.issueDate, due_date: d.dueDate, currency: d.currency, status: d.status, discount_total: d.discountTotal ?? '0', total: d.total, memo: d.memo ?? null, lines: d.lines, charge_sets: d.chargeSets ?? null };
        f.flagged = false;
        break;
      }
      case 'invoice.cancelled': {
        const f = fold('invoice', e);
        if (f.upsert) f.upsert['status'] = 'cancelled';
        else f.flagged = true;
        break;
      }
      case 'payment.recorded': {
        const d = e.data;
        const f = fold('payment', e);
        f.upsert = { customer_id: d.customerId, received_on: d.receivedOn, amount: d.amount, currency: d.currency, method: d.method ?? null, reference: d.reference ?? null, voided: false };
        f.applications = d.applications.map((a) => ({ invoiceId: a.invoiceId, amount: a.amount, appliedOn: d.receivedOn }));
        f.flagged = false;
        break;
      }
      case 'payment.voided': {
        const f = fold('payment', e);
        if (f.upsert) f.upsert['voided'] = true;
        else f.flagged = true;
        break;
      }
      case 'credit-memo.upserted': {
        const d = e.data;
        const f = fold('credit-memo', e);
        f.upsert = { number: d.number, customer_id: d.customerId, issue_date: d.issueDate, currency: d.currency, total: d.total, memo: d.memo ?? null, lines: d.lines, cancelled: false };
        f.applications = (d.applications ?? []).map((a) => ({ invoiceId: a.invoiceId, amount: a.amount, appliedOn: d.issueDate }));
        f.flagged = false;
        break;
      }
      case 'credit-memo.cancelled': {
        const f = fold('credit-memo', e);
        if (f.upsert) f.upsert['cancelled'] = true;
        else f.flagged = true;
        break;
      }
    }
  }

  const upserts = (kind: string) => [...(docs.get(kind)?.values() ?? [])].filter((f) => f.upsert).map((f) => ({ tenant_id: f.tenantId, id: f.id, version: f.version, ...f.upsert }));
  const flags = (kind: string) => [...(docs.get(kind)?.values() ?? [])].filter((f) => !f.upsert && f.flagged).map((f) => ({ t: f.tenantId, id: f.id, v: f.version }));
  const write = async (rows: Row[], name: string, text: string) => {
    if (rows.length) await run({ name, text }, [JSON.stringify(rows)]);
  };

  await write(upserts('customer'), 'ledger_upsert_customers', `insert into source_customer (tenant_id, id, display_name, billing_email, company_name, currency, payment_terms_days, active, version, updated_at)
    select tenant_id, id, display_name, billing_email, company_name, currency, payment_terms_days, active, version, now()
    from jsonb_to_recordset($1::jsonb) as x(tenant_id text, id text, display_name text, billing_email text, company_name text, currency text, payment_terms_days int, active boolean, version int)
    on conflict (tenant_id, id) do update set display_name = excluded.display_name, billing_email = excluded.billing_email, company_name = excluded.company_name,
      currency = excluded.currency, payment_terms_days = excluded.payment_terms_days, active = excluded.active, version = excluded.version, updated_at = now()`);
  await write(upserts('item'), 'ledger_upsert_items', `insert into source_item (tenant_id, id, sku, name, description, unit_price, income_account_code, active, version, updated_at)
    select tenant_id, id, sku, name, description, unit_price, income_account_code, active, version, now()
    from jsonb_to_recordset($1::jsonb) as x(tenant_id text, id text, sku text, name text, description text, unit_price numeric, income_account_code text, active boolean, version int)
    on conflict (tenant_id, id) do update set sku = excluded.sku, name = excluded.name, description = excluded.description, unit_price = excluded.unit_price,
      income_account_code = excluded.income_account_code, active = excluded.active, version = excluded.version, updated_at = now()`);
  await write(upserts('invoice'), 'ledger_upsert_invoices', `insert into source_invoice (tenant_id, id, number, customer_id, issue_date, due_date, currency, status, discount_total, total, memo, lines, charge_sets, version, updated_at)
    select tenant_id, id, number, customer_id, issue_date, due_date, currency, status, discount_total, total, memo, lines, charge_sets, version, now()
    from jsonb_to_recordset($1::jsonb) as x(tenant_id text, id text, number text, customer_id text, issue_date date, due_date date, currency text, status text,
      discount_total numeric, total numeric, memo text, lines jsonb, charge_sets jsonb, version int)
    on conflict (tenant_id, id) do update set number = excluded.number, customer_id = excluded.customer_id, issue_date = excluded.issue_date, due_date = excluded.due_date,
      currency = excluded.currency, status = excluded.status, discount_total = excluded.discount_total, total = excluded.total, memo = excluded.memo,
      lines = excluded.lines, charge_sets = excluded.charge_sets, version = excluded.version, updated_at = now()`);
  await write(flags('invoice'), 'ledger_cancel_invoices', `update source_invoice s set status = 'cancelled', version = x.v, updated_at = now()
    from jsonb_to_recordset($1::jsonb) as x(t text, id text, v int) where s.tenant_id = x.t and s.id = x.id`);
  await write(upserts('payment'), 'ledger_upsert_payments', `insert into source_payment (tenant_id, id, customer_id, received_on, amount, currency, method, reference, voided, version, updated_at)
    select tenant_id, id, customer_id, received_on, amount, currency, method, reference, voided, version, now()
    from jsonb_to_recordset($1::jsonb) as x(tenant_id text, id text, customer_id text, received_on date, amount numeric, currency text, method text, reference text, voided boolean, version int)
    on conflict (tenant_id, id) do update set customer_id = excluded.customer_id, received_on = excluded.received_on, amount = excluded.amount, currency = excluded.currency,
      method = excluded.method, reference = excluded.reference, voided = excluded.voided, version = excluded.version, updated_at = now()`);
  await write(flags('payment'), 'ledger_void_payments', `update source_payment s set voided = true, version = x.v, updated_at = now()
    from jsonb_to_recordset($1::jsonb) as x(t text, id text, v int) where s.tenant_id = x.t and s.id = x.id`);
  await write(upserts('credit-memo'), 'ledger_upsert_credit_memos', `insert into source_credit_memo (tenant_id, id, number, customer_id, issue_date, currency, total, memo, lines, cancelled, version, updated_at)
    select tenant_id, id, number, customer_id, issue_date, currency, total, memo, lines, cancelled, version, now()
    from jsonb_to_recordset($1::jsonb) as x(tenant_id text, id text, number text, customer_id text, issue_date date, currency text, total numeric, memo text, lines jsonb, cancelled boolean, version int)
    on conflict (tenant_id, id) do update set number = excluded.number, customer_id = excluded.customer_id, issue_date = excluded.issue_date, currency = excluded.currency,
      total = excluded.total, memo = excluded.memo, lines = excluded.lines, cancelled = excluded.cancelled, version = excluded.version, updated_at = now()`);
  await write(flags('credit-memo'), 'ledger_cancel_credit_memos', `update source_credit_memo s set cancelled = true, version = x.v, updated_at = now()
    from jsonb_to_recordset($1::jsonb) as x(t text, id text, v int) where s.tenant_id = x.t and s.id = x.id`);

  // Applications are replaced wholesale for every payment / credit memo upserted in this group.
  const replaced: Row[] = [];
  const applications: Row[] = [];
  for (const kind of ['payment', 'credit-memo']) {
    for (const f of docs.get(kind)?.values() ?? []) {
      if (!f.applications) continue;
      replaced.push({ t: f.tenantId, ty: kind, id: f.id });
      for (const a of f.applications) applications.push({ t: f.tenantId, ty: kind, id: f.id, inv: a.invoiceId, amount: a.amount, on: a.appliedOn });
    }
  }
  await write(replaced, 'ledger_delete_applications', `delete from source_application a using jsonb_to_recordset($1::jsonb) as x(t text, ty text, id text)
    where a.tenant_id = x.t and a.source_type = x.ty and a.source_id = x.id`);
  await write(applications, 'ledger_insert_applications', `insert into source_application (tenant_id, source_type, source_id, invoice_id, amount, applied_on)
    select t, ty, id, inv, amount, "on" from jsonb_to_recordset($1::jsonb) as x(t text, ty text, id text, inv text, amount numeric, "on" date)`);

  const jobs = [...docs.values()].flatMap((byKey) => [...byKey.values()]).filter((f) => f.work).map((f) => ({
    t: f.tenantId, ty: f.work?.entityType, id: f.work?.sourceId, v: f.work?.version, r: f.work?.reason,
  }));
  await write(jobs, 'ledger_queue_sync_jobs', `insert into sync_job (tenant_id, entity_type, source_id, version, reason, due_at, attempts, enqueued_at)
    select t, ty, id, v, r, now(), 0, now() from jsonb_to_recordset($1::jsonb) as x(t text, ty text, id text, v int, r text)
    on conflict (tenant_id, entity_type, source_id) do update set version = excluded.version, reason = excluded.reason, due_at = now(), attempts = 0, enqueued_at = now()
    where sync_job.version <= excluded.version`);
  return jobs.length;
}
