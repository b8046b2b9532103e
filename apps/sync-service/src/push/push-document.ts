import { Money } from '@arbiter/domain';
import { QboClosedPeriodError, QboStaleObjectError, QboUncertainWriteError, deriveRequestId, qboQuery, type Customer, type Invoice, type Item, type QboCompany } from '@arbiter/qbo-client';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import type { SyncEntityType } from '../ledger/sync-work';
import { QboAccess } from '../qbo/qbo-access';
import { inTransaction, sqlOf, type Sql } from '../sql';
import { assertLease } from './lease';
import { outboxSyncStatus } from './outbox';
import { resolveProblem } from './problems';
import { SyncProblem, WaitingForDependency } from './push-failure';
import { arbiterMarker, toQboLines, type ChargeSet, type SourceLine } from './qbo-documents';
import { isGo, loadTenantSettings, type TenantSettings } from './tenant-settings';

export interface SyncJob {
  tenantId: string;
  entityType: SyncEntityType;
  sourceId: string;
  version: number;
  reason: string;
  attempts: number;
  /** The claim's lease id: every commit of this push is fenced by it (see lease.ts). */
  leaseId?: string;
}

type LinkRow = { qbo_id: string | null; sync_token: string | null; status: string; pushed_version: number | null };

/** Reasons that are a person asking for a send (Problem Sync's resync, "push now"), not the ledger catching up. */
const REQUESTED_BY_A_PERSON = new Set(['resync', 'push_now']);

/**
 * True when this version already reached QuickBooks and nobody asked for it again. A resync or push-now sends
 * the document anyway: QuickBooks may have drifted since (a user edited the invoice there, reconciliation
 * flagged it), and only a new sparse update puts our version back. That update carries the record's current
 * SyncToken in its requestid, so a repeat while QuickBooks is unchanged replays instead of writing twice.
 */
function alreadyThere(link: LinkRow | undefined, version: number, job: SyncJob): boolean {
  return !!link?.qbo_id && link.pushed_version !== null && link.pushed_version >= version && !REQUESTED_BY_A_PERSON.has(job.reason);
}

/**
 * Pushes one document to QuickBooks: resolve references, check go/no-go and the book close date, create or
 * sparse-update with a stable requestid per (document, version), and record the link with its status event
 * in one transaction. Never creates twice: a create attempt is recorded (and committed) before the QuickBooks
 * write, so a later attempt knows an earlier one may have landed and looks for it first (DocNumber + the Arbiter
 * marker in PrivateNote; payments by customer + date + marker); an uncertain create is read back before any retry.
 * @throws SyncProblem for what a person must decide; WaitingForDependency; QboError and infrastructure errors.
 */
@Injectable()
export class PushDocument {
  private readonly logger = new Logger(PushDocument.name);
  private readonly closeDates = new Map<string, { value: Promise<string | null>; at: number }>();

  constructor(
    private readonly em: EntityManager,
    private readonly qbo: QboAccess,
  ) {}

  async run(job: SyncJob): Promise<void> {
    try {
      await this.dispatch(job);
    } catch (error) {
      if (!(error instanceof QboClosedPeriodError)) throw error;
      // Our cached close date was older than QuickBooks' (someone closed the books meanwhile): say which date.
      const { realmId, company } = await this.qbo.companyFor(job.tenantId);
      this.closeDates.delete(realmId);
      const closed = (await company.bookCloseDate()) ?? 'unknown';
      this.closeDates.set(realmId, { value: Promise.resolve(closed), at: Date.now() });
      throw new SyncProblem('closed_period', `QuickBooks refused the ${job.entityType} ${job.sourceId}: its books are closed through ${closed}; it was not sent.`, { bookCloseDate: closed }, { code: error.code, message: error.qboMessage });
    }
  }

  private async dispatch(job: SyncJob): Promise<void> {
    const sql = sqlOf(this.em);
    const { settings, inSyncPoint } = await loadTenantSettings(sql, job.tenantId);
    if (!settings.syncEntityTypes.includes(job.entityType)) return this.markSkipped(job, `${job.entityType} sync is off in the settings`);
    switch (job.entityType) {
      case 'customer':
        return this.pushCustomer(job);
      case 'item':
        return this.linkItem(job);
      case 'invoice':
        return job.reason === 'void' ? this.voidDocument(job, 'Invoice') : this.pushInvoice(job, settings, inSyncPoint);
      case 'payment':
        return job.reason === 'void' ? this.voidDocument(job, 'Payment') : this.pushPayment(job, inSyncPoint);
      case 'credit-memo':
        return job.reason === 'void' ? this.voidDocument(job, 'CreditMemo') : this.pushCreditMemo(job, settings, inSyncPoint);
    }
  }

  // ---- customers and items -------------------------------------------------------------------------------

  private async pushCustomer(job: SyncJob): Promise<void> {
    const { company } = await this.qbo.companyFor(job.tenantId);
    const qboId = await this.resolveCustomer(job.tenantId, job.sourceId, company);
    await this.commitLink(job, qboId, null, 'pushed', true);
  }

  /** Customer: mapping or stored link, else billing email, else create. Several candidates → duplicate_match. */
  private async resolveCustomer(tenantId: string, customerId: string, company: QboCompany): Promise<string> {
    const sql = sqlOf(this.em);
    const known = await this.knownQboId(sql, tenantId, 'customer', customerId);
    if (known) return known;
    const [c] = await sql<{ display_name: string; billing_email: string | null; company_name: string | null; currency: string; active: boolean }>(
      `select display_name, billing_email, company_name, currency, active from source_customer where tenant_id = ? and id = ?`,
      [tenantId, customerId],
    );
    if (!c) throw new WaitingForDependency(`customer ${customerId} has not been published yet`);
    if (c.billing_email) {
      const candidates = (await company.queryAll(qboQuery('Customer').where('PrimaryEmailAddr', '=', c.billing_email))) as Customer[];
      if (candidates.length > 1) {
        throw new SyncProblem('duplicate_match', `${candidates.length} QuickBooks customers have the billing email ${c.billing_email}: ${candidates.map((x) => `"${x.DisplayName}" (id ${x.Id})`).join(', ')}. Map this customer to one of them.`, {
          candidates: candidates.map((x) => ({ id: x.Id, displayName: x.DisplayName })),
        });
      }
      if (candidates.length === 1) {
        await this.storeLink(tenantId, 'customer', customerId, candidates[0].Id as string, candidates[0].SyncToken ?? null);
        return candidates[0].Id as string;
      }
    }
    const marker = arbiterMarker(tenantId, 'customer', customerId);
    try {
      const created = await company.create(
        'Customer',
        { DisplayName: c.display_name, ...(c.company_name ? { CompanyName: c.company_name } : {}), ...(c.billing_email ? { PrimaryEmailAddr: { Address: c.billing_email } } : {}), Notes: marker } as never,
        { idempotencyKey: `customer:${tenantId}:${customerId}` },
      );
      await this.storeLink(tenantId, 'customer', customerId, created.Id as string, created.SyncToken ?? null);
      return created.Id as string;
    } catch (error) {
      if ((error as { code?: string }).code === '6240') {
        const clash = (await company.queryAll(qboQuery('Customer').where('DisplayName', '=', c.display_name))) as Customer[];
        const ours = clash.find((x) => (x as { Notes?: string }).Notes === marker);
        if (ours) {
          await this.storeLink(tenantId, 'customer', customerId, ours.Id as string, ours.SyncToken ?? null);
          return ours.Id as string;
        }
        throw new SyncProblem(
          'duplicate_name',
          `QuickBooks already has a customer named "${c.display_name}"${clash[0] ? ` (id ${clash[0].Id}${clash[0].PrimaryEmailAddr?.Address ? `, ${clash[0].PrimaryEmailAddr.Address}` : ''})` : ''}. Map this customer to it or rename one of them.`,
          { clashingQboId: clash[0]?.Id, displayName: c.display_name },
          { code: '6240', message: (error as Error).message },
        );
      }
      throw error;
    }
  }

  private async linkItem(job: SyncJob): Promise<void> {
    const { company } = await this.qbo.companyFor(job.tenantId);
    const qboId = await this.resolveItem(job.tenantId, job.sourceId, company);
    await this.commitLink(job, qboId, null, 'pushed', true);
  }

  /** Item: mapping or stored link, else SKU. Missing SKU, not found, several matches → problems. */
  private async resolveItem(tenantId: string, itemId: string, company: QboCompany): Promise<string> {
    const sql = sqlOf(this.em);
    const known = await this.knownQboId(sql, tenantId, 'item', itemId);
    if (known) return known;
    const [item] = await sql<{ sku: string | null; name: string }>(`select sku, name from source_item where tenant_id = ? and id = ?`, [tenantId, itemId]);
    if (!item) throw new WaitingForDependency(`item ${itemId} has not been published yet`);
    if (!item.sku) throw new SyncProblem('missing_sku', `Item "${item.name}" (${itemId}) has no SKU, so it cannot be matched to a QuickBooks item. Add a SKU or map it.`, undefined);
    const matches = (await company.queryAll(qboQuery('Item').where('Sku', '=', item.sku))) as Item[];
    if (matches.length === 0) throw new SyncProblem('item_not_found', `No QuickBooks item has SKU "${item.sku}" (item "${item.name}"). Create it in QuickBooks or map it.`, { sku: item.sku });
    if (matches.length > 1) {
      throw new SyncProblem('duplicate_item', `${matches.length} QuickBooks items have SKU "${item.sku}": ${matches.map((m) => `"${m.Name}" (id ${m.Id})`).join(', ')}. Map the item to one.`, {
        candidates: matches.map((m) => ({ id: m.Id, name: m.Name })),
      });
    }
    await this.storeLink(tenantId, 'item', itemId, matches[0].Id as string, matches[0].SyncToken ?? null);
    return matches[0].Id as string;
  }

  // ---- invoices and credit memos ---------------------------------------------------------------------------

  private async pushInvoice(job: SyncJob, settings: TenantSettings, inSyncPoint: string | null): Promise<void> {
    const sql = sqlOf(this.em);
    const [inv] = await sql<{
      number: string; customer_id: string; issue_date: string; due_date: string; currency: string; status: string; discount_total: string;
      total: string; memo: string | null; lines: SourceLine[]; charge_sets: ChargeSet[] | null; export: string | null; version: number;
    }>(
      `select number, customer_id, to_char(issue_date, 'YYYY-MM-DD') as issue_date, to_char(due_date, 'YYYY-MM-DD') as due_date, currency, status,
        discount_total::text, total::text, memo, lines, charge_sets, export, version from source_invoice where tenant_id = ? and id = ?`,
      [job.tenantId, job.sourceId],
    );
    if (!inv || inv.status !== 'approved') return;
    if (!isGo(inv.export, inv.issue_date, inSyncPoint)) return this.markSkipped(job, inv.export === 'no_go' ? 'marked no-go' : `dated before the in-sync point ${inSyncPoint}`);
    const link = await this.link(sql, job);
    if (!settings.autoPush && job.reason !== 'push_now' && !link?.qbo_id) return this.markStatus(job, 'awaiting_push');
    if (alreadyThere(link, inv.version, job)) return;

    const { realmId, company } = await this.qbo.companyFor(job.tenantId);
    await this.assertOpenPeriod(realmId, company, inv.issue_date, 'invoice', inv.number);
    const customerRef = await this.resolveCustomer(job.tenantId, inv.customer_id, company);
    const itemRefs = await this.resolveItems(job.tenantId, inv.lines, company);
    const { lines, total } = toQboLines({
      lines: inv.lines, currency: inv.currency, itemRefs, discountTotal: money(inv.discount_total, inv.currency),
      chargeSets: inv.charge_sets ?? undefined, descriptionTemplate: settings.descriptionTemplate,
    });
    if (!total.equals(Money.parse(money(inv.total, inv.currency), inv.currency))) {
      throw new SyncProblem('validation', `The invoice lines add up to ${total.toString()} but its total is ${inv.total}; it was not sent.`);
    }
    const marker = arbiterMarker(job.tenantId, 'invoice', job.sourceId);
    const body = {
      DocNumber: inv.number, TxnDate: inv.issue_date, DueDate: inv.due_date, CustomerRef: { value: customerRef }, Line: lines,
      PrivateNote: marker, ...(inv.memo ? { CustomerMemo: { value: inv.memo.slice(0, 1000) } } : {}),
      ...(settings.defaultTermId ? { SalesTermRef: { value: settings.defaultTermId } } : {}),
    };
    const saved = link?.qbo_id
      ? await this.sparseUpdate(company, 'Invoice', link.qbo_id, body, `invoice:${job.tenantId}:${job.sourceId}:v${inv.version}`)
      : await this.createOnce(job, 'invoice', company, 'Invoice', body, { docNumber: inv.number, marker, key: `invoice:${job.tenantId}:${job.sourceId}:v${inv.version}`, version: inv.version });
    await this.commitLink({ ...job, version: inv.version }, saved.Id as string, saved.SyncToken ?? null, link?.qbo_id ? 'updated' : 'pushed');
  }

  private async pushCreditMemo(job: SyncJob, settings: TenantSettings, inSyncPoint: string | null): Promise<void> {
    const sql = sqlOf(this.em);
    const [cm] = await sql<{ number: string; customer_id: string; issue_date: string; currency: string; total: string; memo: string | null; lines: SourceLine[]; export: string | null; version: number; cancelled: boolean }>(
      `select number, customer_id, to_char(issue_date, 'YYYY-MM-DD') as issue_date, currency, total::text, memo, lines, export, version, cancelled
       from source_credit_memo where tenant_id = ? and id = ?`,
      [job.tenantId, job.sourceId],
    );
    if (!cm || cm.cancelled) return;
    if (!isGo(cm.export, cm.issue_date, inSyncPoint)) return this.markSkipped(job, cm.export === 'no_go' ? 'marked no-go' : `dated before the in-sync point ${inSyncPoint}`);
    const link = await this.link(sql, job);
    if (alreadyThere(link, cm.version, job)) return;
    const { realmId, company } = await this.qbo.companyFor(job.tenantId);
    await this.assertOpenPeriod(realmId, company, cm.issue_date, 'credit memo', cm.number);
    const customerRef = await this.resolveCustomer(job.tenantId, cm.customer_id, company);
    const itemRefs = await this.resolveItems(job.tenantId, cm.lines, company);
    const { lines } = toQboLines({ lines: cm.lines, currency: cm.currency, itemRefs, descriptionTemplate: settings.descriptionTemplate });
    const marker = arbiterMarker(job.tenantId, 'credit-memo', job.sourceId);
    const body = { DocNumber: cm.number, TxnDate: cm.issue_date, CustomerRef: { value: customerRef }, Line: lines, PrivateNote: marker };
    const key = `credit-memo:${job.tenantId}:${job.sourceId}:v${cm.version}`;
    const saved = link?.qbo_id
      ? await this.sparseUpdate(company, 'CreditMemo', link.qbo_id, body, key)
      : await this.createOnce(job, 'credit-memo', company, 'CreditMemo', body, { docNumber: cm.number, marker, key, version: cm.version });
    await this.applyCreditMemo(job, company, saved.Id as string, customerRef, cm.issue_date);
    await this.commitLink({ ...job, version: cm.version }, saved.Id as string, saved.SyncToken ?? null, link?.qbo_id ? 'updated' : 'pushed');
  }

  /**
   * QuickBooks applies a credit memo to invoices through a payment that links both (zero net amount); one such
   * payment per credit memo version, created once (its requestid and marker).
   */
  private async applyCreditMemo(job: SyncJob, company: QboCompany, creditMemoQboId: string, customerRef: string, date: string): Promise<void> {
    const sql = sqlOf(this.em);
    const apps = await sql<{ invoice_id: string; amount: string }>(
      `select invoice_id, amount::text from source_application where tenant_id = ? and source_type = 'credit-memo' and source_id = ?`,
      [job.tenantId, job.sourceId],
    );
    if (apps.length === 0) return;
    const [{ currency }] = await sql<{ currency: string }>(`select currency from source_credit_memo where tenant_id = ? and id = ?`, [job.tenantId, job.sourceId]);
    const lines = [];
    let sum = Money.zero(currency);
    for (const app of apps) {
      const invoiceQboId = await this.knownQboId(sql, job.tenantId, 'invoice', app.invoice_id);
      if (!invoiceQboId) throw new WaitingForDependency(`invoice ${app.invoice_id} is not in QuickBooks yet`);
      const amount = Money.parse(money(app.amount, currency), currency);
      sum = sum.plus(amount);
      lines.push({ Amount: amount.toString(), LinkedTxn: [{ TxnId: invoiceQboId, TxnType: 'Invoice' }] });
    }
    lines.push({ Amount: sum.toString(), LinkedTxn: [{ TxnId: creditMemoQboId, TxnType: 'CreditMemo' }] });
    const marker = arbiterMarker(job.tenantId, 'credit-memo-application', job.sourceId);
    await this.createOnce(job, 'credit-memo-application', company, 'Payment', { CustomerRef: { value: customerRef }, TotalAmt: '0', TxnDate: date, Line: lines, PrivateNote: marker }, {
      marker, key: `credit-memo-apply:${job.tenantId}:${job.sourceId}:v${job.version}`, version: job.version,
    });
  }

  // ---- payments ----------------------------------------------------------------------------------------

  private async pushPayment(job: SyncJob, inSyncPoint: string | null): Promise<void> {
    const sql = sqlOf(this.em);
    const [p] = await sql<{ customer_id: string; received_on: string; amount: string; currency: string; reference: string | null; voided: boolean; export: string | null; version: number }>(
      `select customer_id, to_char(received_on, 'YYYY-MM-DD') as received_on, amount::text, currency, reference, voided, export, version
       from source_payment where tenant_id = ? and id = ?`,
      [job.tenantId, job.sourceId],
    );
    if (!p || p.voided) return;
    if (!isGo(p.export, p.received_on, inSyncPoint)) return this.markSkipped(job, p.export === 'no_go' ? 'marked no-go' : `dated before the in-sync point ${inSyncPoint}`);
    const link = await this.link(sql, job);
    if (alreadyThere(link, p.version, job)) return;
    const { realmId, company } = await this.qbo.companyFor(job.tenantId);
    await this.assertOpenPeriod(realmId, company, p.received_on, 'payment', job.sourceId);
    const customerRef = await this.resolveCustomer(job.tenantId, p.customer_id, company);
    const apps = await sql<{ invoice_id: string; amount: string }>(
      `select invoice_id, amount::text from source_application where tenant_id = ? and source_type = 'payment' and source_id = ? order by invoice_id`,
      [job.tenantId, job.sourceId],
    );
    const lines = [];
    for (const app of apps) {
      const invoiceQboId = await this.knownQboId(sql, job.tenantId, 'invoice', app.invoice_id);
      if (!invoiceQboId) throw new WaitingForDependency(`invoice ${app.invoice_id} is not in QuickBooks yet`);
      lines.push({ Amount: money(app.amount, p.currency), LinkedTxn: [{ TxnId: invoiceQboId, TxnType: 'Invoice' }] });
    }
    const marker = arbiterMarker(job.tenantId, 'payment', job.sourceId);
    // Σ applications ≤ amount (the contract checks it); the rest stays unapplied credit in QuickBooks too.
    const body = {
      CustomerRef: { value: customerRef }, TotalAmt: money(p.amount, p.currency), TxnDate: p.received_on, Line: lines, PrivateNote: marker,
      ...(p.reference ? { PaymentRefNum: p.reference.slice(0, 21) } : {}),
    };
    const key = `payment:${job.tenantId}:${job.sourceId}:v${p.version}`;
    const saved = link?.qbo_id
      ? await this.sparseUpdate(company, 'Payment', link.qbo_id, body, key)
      : await this.createOnce(job, 'payment', company, 'Payment', body, { marker, key, version: p.version });
    await this.commitLink({ ...job, version: p.version }, saved.Id as string, saved.SyncToken ?? null, link?.qbo_id ? 'updated' : 'pushed');
  }

  // ---- void --------------------------------------------------------------------------------------------

  private async voidDocument(job: SyncJob, entity: 'Invoice' | 'Payment' | 'CreditMemo'): Promise<void> {
    const sql = sqlOf(this.em);
    const link = await this.link(sql, job);
    if (!link?.qbo_id) return this.markStatus(job, 'voided', null); // never reached QuickBooks: nothing to void
    if (link.status === 'voided') return;
    const { company } = await this.qbo.companyFor(job.tenantId);
    const current = await company.read(entity, link.qbo_id);
    const voided = await this.retryStale(() => company.void(entity, { Id: current.Id as string, SyncToken: current.SyncToken as string }, { idempotencyKey: `${job.entityType}:${job.tenantId}:${job.sourceId}:void` }), async () => {
      const fresh = await company.read(entity, link.qbo_id as string);
      return company.void(entity, { Id: fresh.Id as string, SyncToken: fresh.SyncToken as string }, { idempotencyKey: `${job.entityType}:${job.tenantId}:${job.sourceId}:void:${fresh.SyncToken}` });
    });
    await this.commitLink(job, link.qbo_id, (voided as { SyncToken?: string }).SyncToken ?? null, 'voided');
  }

  // ---- shared steps ------------------------------------------------------------------------------------

  private async resolveItems(tenantId: string, lines: readonly SourceLine[], company: QboCompany): Promise<Map<string, string>> {
    const refs = new Map<string, string>();
    for (const itemId of new Set(lines.map((l) => l.itemId))) refs.set(itemId, await this.resolveItem(tenantId, itemId, company));
    return refs;
  }

  /** A transaction dated on or before the book close date is never sent (QuickBooks would answer 6210). */
  private async assertOpenPeriod(realmId: string, company: QboCompany, date: string, what: string, label: string): Promise<void> {
    let cached = this.closeDates.get(realmId);
    if (!cached || Date.now() - cached.at > 60_000) {
      // One read per realm a minute, shared by the pushes that start meanwhile (a fresh replica starts dozens at once).
      const value = company.bookCloseDate().then((d) => d ?? null);
      cached = { value, at: Date.now() };
      this.closeDates.set(realmId, cached);
      value.catch(() => this.closeDates.get(realmId)?.value === value && this.closeDates.delete(realmId)); // a failed read is not cached
    }
    const closeDate = await cached.value;
    if (closeDate && date <= closeDate) {
      throw new SyncProblem('closed_period', `The ${what} ${label} is dated ${date}, on or before the QuickBooks book close date ${closeDate}; it was not sent.`, {
        bookCloseDate: closeDate,
        documentDate: date,
      });
    }
  }

  /**
   * Creates a document exactly once. A create whose answer never reached us (dropped response, crash, kill -9
   * between the QuickBooks write and our commit) must not become a second document, so:
   * 1. if an earlier create attempt of this document was recorded, look for what it may have left in QuickBooks;
   * 2. record this attempt (document, version, requestid, started at) in its own committed transaction, fenced
   *    by the lease — BEFORE the write, so a crash after it still leaves the trace that makes step 1 look;
   * 3. create with the stable requestid; an uncertain answer is confirmed by reading back.
   */
  private async createOnce<E extends 'Invoice' | 'Payment' | 'CreditMemo'>(
    job: SyncJob, document: string, company: QboCompany, entity: E, body: Record<string, unknown>, ids: { docNumber?: string; marker: string; key: string; version: number },
  ) {
    const lookup = { docNumber: ids.docNumber, customerRef: (body['CustomerRef'] as { value?: string } | undefined)?.value, txnDate: body['TxnDate'] as string | undefined };
    const [prior] = await sqlOf(this.em)<{ version: number; request_id: string }>(
      `select version, request_id from qbo_create_attempt where tenant_id = ? and document = ? and source_id = ?`,
      [job.tenantId, document, job.sourceId],
    );
    if (prior) {
      const earlier = await this.findByMarker(company, entity, ids.marker, lookup);
      if (earlier) {
        this.logger.log(`found earlier create entity=${document} sourceId=${job.sourceId} qboId=${earlier.Id} attemptVersion=${prior.version} requestId=${prior.request_id}`);
        return earlier;
      }
    }
    const requestId = deriveRequestId('create', entity, ids.key);
    await inTransaction(this.em, async (sql) => {
      await assertLease(sql, job);
      await sql(
        `insert into qbo_create_attempt (tenant_id, document, source_id, version, request_id, started_at, tries) values (?, ?, ?, ?, ?, now(), 1)
         on conflict (tenant_id, document, source_id) do update set version = excluded.version, request_id = excluded.request_id, started_at = now(),
           tries = qbo_create_attempt.tries + 1`,
        [job.tenantId, document, job.sourceId, ids.version, requestId],
      );
    });
    try {
      return await company.create(entity, body as never, { idempotencyKey: ids.key, allowDuplicateDocNumber: false });
    } catch (error) {
      if (!(error instanceof QboUncertainWriteError)) throw error;
      const landed = await this.findByMarker(company, entity, ids.marker, lookup);
      if (landed) {
        this.logger.log(`found earlier create entity=${document} sourceId=${job.sourceId} qboId=${landed.Id} (its answer was lost) requestId=${requestId}`);
        return landed;
      }
      throw error; // not there: a retry with the same requestid is safe
    }
  }

  /**
   * An earlier attempt's document, found by what QuickBooks lets us query (PrivateNote is not queryable):
   * DocNumber for invoices and credit memos, customer + date for payments; then matched on the marker.
   */
  private async findByMarker(company: QboCompany, entity: 'Invoice' | 'Payment' | 'CreditMemo', marker: string, lookup: { docNumber?: string; customerRef?: string; txnDate?: string }) {
    const query = lookup.docNumber
      ? qboQuery(entity).where('DocNumber', '=', lookup.docNumber)
      : qboQuery(entity).where('CustomerRef', '=', lookup.customerRef ?? '').where('TxnDate', '=', lookup.txnDate ?? '');
    const rows = (await company.queryAll(query)) as (Invoice & { PrivateNote?: string })[];
    return rows.find((r) => r.PrivateNote === marker) ?? null;
  }

  /** Sparse update with the current SyncToken; applied payments bump it, so a 5010 re-reads and tries once more. */
  private async sparseUpdate(company: QboCompany, entity: 'Invoice' | 'Payment' | 'CreditMemo', qboId: string, body: Record<string, unknown>, key: string) {
    const attempt = async () => {
      const current = await company.read(entity, qboId);
      return company.update(entity, { ...body, Id: qboId, SyncToken: current.SyncToken as string } as never, { idempotencyKey: `${key}:${current.SyncToken}` });
    };
    return this.retryStale(attempt, attempt);
  }

  private async retryStale<T>(first: () => Promise<T>, again: () => Promise<T>): Promise<T> {
    try {
      return await first();
    } catch (error) {
      if (!(error instanceof QboStaleObjectError)) throw error;
      return again();
    }
  }

  private async knownQboId(sql: Sql, tenantId: string, entityType: SyncEntityType, sourceId: string): Promise<string | null> {
    const [row] = await sql<{ qbo_id: string | null }>(
      `select coalesce(m.qbo_id, l.qbo_id) as qbo_id from (select 1) x
       left join mapping m on m.tenant_id = ? and m.entity_type = ? and m.source_id = ?
       left join sync_link l on l.tenant_id = ? and l.entity_type = ? and l.source_id = ? and l.status <> 'voided'`,
      [tenantId, entityType, sourceId, tenantId, entityType, sourceId],
    );
    return row?.qbo_id ?? null;
  }

  private async link(sql: Sql, job: SyncJob): Promise<LinkRow | undefined> {
    const [row] = await sql<LinkRow>(`select qbo_id, sync_token, status, pushed_version from sync_link where tenant_id = ? and entity_type = ? and source_id = ?`, [
      job.tenantId, job.entityType, job.sourceId,
    ]);
    return row;
  }

  private async storeLink(tenantId: string, entityType: SyncEntityType, sourceId: string, qboId: string, syncToken: string | null): Promise<void> {
    await inTransaction(this.em, (sql) =>
      sql(
        `insert into sync_link (tenant_id, entity_type, source_id, qbo_id, sync_token, status, pushed_at, updated_at) values (?, ?, ?, ?, ?, 'pushed', now(), now())
         on conflict (tenant_id, entity_type, source_id) do update set qbo_id = excluded.qbo_id, sync_token = excluded.sync_token, updated_at = now()`,
        [tenantId, entityType, sourceId, qboId, syncToken],
      ),
    );
  }

  /** Link, status event and problem resolution commit together. */
  private async commitLink(job: SyncJob, qboId: string, syncToken: string | null, status: 'pushed' | 'updated' | 'voided', quiet = false): Promise<void> {
    await inTransaction(this.em, async (sql) => {
      await assertLease(sql, job);
      const [before] = await sql<{ status: string; pushed_version: number | null }>(
        `select status, pushed_version from sync_link where tenant_id = ? and entity_type = ? and source_id = ? for update`,
        [job.tenantId, job.entityType, job.sourceId],
      );
      await sql(
        `insert into sync_link (tenant_id, entity_type, source_id, qbo_id, sync_token, status, pushed_version, pushed_at, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, now(), now())
         on conflict (tenant_id, entity_type, source_id) do update set qbo_id = excluded.qbo_id, sync_token = excluded.sync_token,
           status = excluded.status, pushed_version = excluded.pushed_version, pushed_at = now(), updated_at = now()`,
        [job.tenantId, job.entityType, job.sourceId, qboId, syncToken, status, job.version],
      );
      await resolveProblem(sql, job.tenantId, job.entityType, job.sourceId, 'sync');
      const changed = !before || before.status !== status || before.pushed_version !== job.version;
      if (changed && !(quiet && before?.status === status)) {
        await outboxSyncStatus(sql, { tenantId: job.tenantId, entityType: job.entityType, sourceId: job.sourceId, status, qboId, entityVersion: job.version });
      }
    });
    this.logger.log(`${status} entity=${job.entityType} tenant=${job.tenantId} sourceId=${job.sourceId} qboId=${qboId} version=${job.version}`);
  }

  private async markSkipped(job: SyncJob, why: string): Promise<void> {
    await inTransaction(this.em, async (sql) => {
      await assertLease(sql, job);
      const [before] = await sql<{ status: string }>(`select status from sync_link where tenant_id = ? and entity_type = ? and source_id = ?`, [job.tenantId, job.entityType, job.sourceId]);
      await sql(
        `insert into sync_link (tenant_id, entity_type, source_id, status, updated_at) values (?, ?, ?, 'skipped', now())
         on conflict (tenant_id, entity_type, source_id) do update set status = 'skipped', updated_at = now()`,
        [job.tenantId, job.entityType, job.sourceId],
      );
      if (before?.status !== 'skipped') {
        await outboxSyncStatus(sql, { tenantId: job.tenantId, entityType: job.entityType, sourceId: job.sourceId, status: 'skipped', entityVersion: job.version });
      }
    });
    this.logger.log(`skipped entity=${job.entityType} tenant=${job.tenantId} sourceId=${job.sourceId} why="${why}"`);
  }

  private async markStatus(job: SyncJob, status: 'awaiting_push' | 'voided', event: 'voided' | null = null): Promise<void> {
    await inTransaction(this.em, async (sql) => {
      await assertLease(sql, job);
      await sql(
        `insert into sync_link (tenant_id, entity_type, source_id, status, updated_at) values (?, ?, ?, ?, now())
         on conflict (tenant_id, entity_type, source_id) do update set status = excluded.status, updated_at = now()`,
        [job.tenantId, job.entityType, job.sourceId, status],
      );
      if (event) await outboxSyncStatus(sql, { tenantId: job.tenantId, entityType: job.entityType, sourceId: job.sourceId, status: event, entityVersion: job.version });
    });
  }
}

/** numeric(19,4) text → the currency's minor digits ("110.0000" → "110.00"); exact, via Money. */
function money(text: string, currency: string): string {
  return Money.rounded(text, currency).toString();
}
