import type { InboundEvent } from '@arbiter/contracts';

/** A statement runner bound to the inbox transaction. */
export type Exec = (sql: string, params: unknown[]) => Promise<unknown>;

export type SyncEntityType = 'customer' | 'item' | 'invoice' | 'payment' | 'credit-memo';

export interface SyncWork {
  entityType: SyncEntityType;
  sourceId: string;
  version: number;
  reason: 'upsert' | 'void';
}

const jsonOrNull = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/**
 * Writes what the platform published into the source ledger (the side reconciliation reads) and says which
 * QuickBooks work follows from it. Runs inside the inbox transaction, only for applied (not stale, not
 * duplicate) events, so the ledger always holds the latest version of every document.
 */
export async function applyToLedger(exec: Exec, event: InboundEvent): Promise<SyncWork | null> {
  const t = event.tenantId;
  const v = event.entityVersion;
  switch (event.eventType) {
    case 'customer.upserted': {
      const d = event.data;
      await exec(
        `insert into source_customer (tenant_id, id, display_name, billing_email, company_name, currency, payment_terms_days, active, version, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, now())
         on conflict (tenant_id, id) do update set display_name = excluded.display_name, billing_email = excluded.billing_email,
           company_name = excluded.company_name, currency = excluded.currency, payment_terms_days = excluded.payment_terms_days,
           active = excluded.active, version = excluded.version, updated_at = now()`,
        [t, d.id, d.displayName, d.billingEmail ?? null, d.companyName ?? null, d.currency, d.paymentTermsDays ?? null, d.active, v],
      );
      return { entityType: 'customer', sourceId: d.id, version: v, reason: 'upsert' };
    }
    case 'item.upserted': {
      const d = event.data;
      await exec(
        `insert into source_item (tenant_id, id, sku, name, description, unit_price, income_account_code, active, version, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, now())
         on conflict (tenant_id, id) do update set sku = excluded.sku, name = excluded.name, description = excluded.description,
           unit_price = excluded.unit_price, income_account_code = excluded.income_account_code, active = excluded.active,
           version = excluded.version, updated_at = now()`,
        [t, d.id, d.sku ?? null, d.name, d.description ?? null, d.unitPrice ?? null, d.incomeAccountCode ?? null, d.active, v],
      );
      return { entityType: 'item', sourceId: d.id, version: v, reason: 'upsert' };
    }
    case 'invoice.upserted': {
      const d = event.data;
      await exec(
        `insert into source_invoice (tenant_id, id, number, customer_id, issue_date, due_date, currency, status, discount_total, total, memo, lines, charge_sets, version, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, now())
         on conflict (tenant_id, id) do update set number = excluded.number, customer_id = excluded.customer_id,
           issue_date = excluded.issue_date, due_date = excluded.due_date, currency = excluded.currency, status = excluded.status,
           discount_total = excluded.discount_total, total = excluded.total, memo = excluded.memo, lines = excluded.lines,
           charge_sets = excluded.charge_sets, version = excluded.version, updated_at = now()`,
        [t, d.id, d.number, d.customerId, d.issueDate, d.dueDate, d.currency, d.status, d.discountTotal ?? '0', d.total, d.memo ?? null, JSON.stringify(d.lines), jsonOrNull(d.chargeSets), v],
      );
      if (d.status === 'approved') return { entityType: 'invoice', sourceId: d.id, version: v, reason: 'upsert' };
      if (d.status === 'cancelled') return { entityType: 'invoice', sourceId: d.id, version: v, reason: 'void' };
      return null; // draft and in_revision stay on the platform until approved
    }
    case 'invoice.cancelled': {
      await exec(`update source_invoice set status = 'cancelled', version = ?, updated_at = now() where tenant_id = ? and id = ?`, [v, t, event.data.id]);
      return { entityType: 'invoice', sourceId: event.data.id, version: v, reason: 'void' };
    }
    case 'payment.recorded': {
      const d = event.data;
      await exec(
        `insert into source_payment (tenant_id, id, customer_id, received_on, amount, currency, method, reference, voided, version, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, false, ?, now())
         on conflict (tenant_id, id) do update set customer_id = excluded.customer_id, received_on = excluded.received_on,
           amount = excluded.amount, currency = excluded.currency, method = excluded.method, reference = excluded.reference,
           voided = false, version = excluded.version, updated_at = now()`,
        [t, d.id, d.customerId, d.receivedOn, d.amount, d.currency, d.method ?? null, d.reference ?? null, v],
      );
      await replaceApplications(exec, t, 'payment', d.id, d.applications, d.receivedOn);
      return { entityType: 'payment', sourceId: d.id, version: v, reason: 'upsert' };
    }
    case 'payment.voided': {
      await exec(`update source_payment set voided = true, version = ?, updated_at = now() where tenant_id = ? and id = ?`, [v, t, event.data.id]);
      return { entityType: 'payment', sourceId: event.data.id, version: v, reason: 'void' };
    }
    case 'credit-memo.upserted': {
      const d = event.data;
      await exec(
        `insert into source_credit_memo (tenant_id, id, number, customer_id, issue_date, currency, total, memo, lines, cancelled, version, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, false, ?, now())
         on conflict (tenant_id, id) do update set number = excluded.number, customer_id = excluded.customer_id,
           issue_date = excluded.issue_date, currency = excluded.currency, total = excluded.total, memo = excluded.memo,
           lines = excluded.lines, cancelled = false, version = excluded.version, updated_at = now()`,
        [t, d.id, d.number, d.customerId, d.issueDate, d.currency, d.total, d.memo ?? null, JSON.stringify(d.lines), v],
      );
      await replaceApplications(exec, t, 'credit-memo', d.id, d.applications ?? [], d.issueDate);
      return { entityType: 'credit-memo', sourceId: d.id, version: v, reason: 'upsert' };
    }
    case 'credit-memo.cancelled': {
      await exec(`update source_credit_memo set cancelled = true, version = ?, updated_at = now() where tenant_id = ? and id = ?`, [v, t, event.data.id]);
      return { entityType: 'credit-memo', sourceId: event.data.id, version: v, reason: 'void' };
    }
  }
}

async function replaceApplications(
  exec: Exec,
  tenantId: string,
  sourceType: 'payment' | 'credit-memo',
  sourceId: string,
  applications: readonly { invoiceId: string; amount: string }[],
  appliedOn: string,
): Promise<void> {
  await exec(`delete from source_application where tenant_id = ? and source_type = ? and source_id = ?`, [tenantId, sourceType, sourceId]);
  if (applications.length === 0) return;
  const rows = applications.map(() => '(?, ?, ?, ?, ?, ?)').join(', ');
  await exec(
    `insert into source_application (tenant_id, source_type, source_id, invoice_id, amount, applied_on) values ${rows}`,
    applications.flatMap((a) => [tenantId, sourceType, sourceId, a.invoiceId, a.amount, appliedOn]),
  );
}

/** Queues QuickBooks work for a document; a newer version replaces a pending one (latest wins). */
export async function enqueueSyncWork(exec: Exec, tenantId: string, work: SyncWork): Promise<void> {
  await exec(
    `insert into sync_job (tenant_id, entity_type, source_id, version, reason, due_at, attempts, enqueued_at)
     values (?, ?, ?, ?, ?, now(), 0, now())
     on conflict (tenant_id, entity_type, source_id) do update set version = excluded.version, reason = excluded.reason,
       due_at = now(), attempts = 0, enqueued_at = now()
     where sync_job.version <= excluded.version`,
    [tenantId, work.entityType, work.sourceId, work.version, work.reason],
  );
}
