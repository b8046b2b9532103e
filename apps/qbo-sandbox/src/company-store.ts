import { Decimal } from 'decimal.js';
import { Clock } from './clock';
import { JsonObject, isJsonObject } from './json/exact-json';
import { companyDate, formatCompanyDateTime } from './time/company-time';

/** Entities the sandbox models (reference §2). Paths are the lower-case names. */
export type EntityName =
  | 'Customer'
  | 'Item'
  | 'Account'
  | 'Term'
  | 'Invoice'
  | 'Payment'
  | 'CreditMemo'
  | 'Preferences'
  | 'CompanyInfo';

export const ENTITY_NAMES: readonly EntityName[] = [
  'Customer',
  'Item',
  'Account',
  'Term',
  'Invoice',
  'Payment',
  'CreditMemo',
  'Preferences',
  'CompanyInfo',
];

/** Name-list entities are never deleted, only made inactive (`Active:false`). */
export const NAME_LIST_ENTITIES: ReadonlySet<EntityName> = new Set(['Customer', 'Item', 'Account', 'Term']);
export const TRANSACTION_ENTITIES: ReadonlySet<EntityName> = new Set(['Invoice', 'Payment', 'CreditMemo']);

/** Webhook / CDC operation names, as Intuit spells them. */
export type ChangeOperation = 'Create' | 'Update' | 'Delete' | 'Void' | 'Emailed';

export type RecordState = 'active' | 'voided' | 'deleted';

/**
 * One stored object. `data` is the entity's JSON without the envelope fields the store owns
 * (Id, SyncToken, MetaData, domain, sparse), which are added when rendering.
 */
export interface EntityRecord {
  readonly type: EntityName;
  readonly id: string;
  /** Rendered as a string; starts at 0 and increases by one with every change. */
  syncToken: number;
  readonly createdAtMs: number;
  readonly createTime: string;
  updatedAtMs: number;
  lastUpdatedTime: string;
  state: RecordState;
  data: JsonObject;
}

export interface ChangeEvent {
  realmId: string;
  entity: EntityName;
  id: string;
  operation: ChangeOperation;
  /** Epoch ms of the change. */
  at: number;
}

export interface CompanyStats {
  requests: number;
  throttled: number;
  injectedFaults: number;
  replays: number;
  droppedResponses: number;
  /** "Invoice.Create" → count of committed writes. */
  writes: Map<string, number>;
}

const refValue = (data: JsonObject, key: string): string | undefined => {
  const ref = data[key];
  if (!isJsonObject(ref)) return undefined;
  const v = ref['value'];
  return typeof v === 'string' ? v : undefined;
};

/** The uniqueness key of a name-list object: trimmed, case-insensitive. */
export function nameKey(type: EntityName, data: JsonObject): string | undefined {
  const field = type === 'Customer' ? 'DisplayName' : NAME_LIST_ENTITIES.has(type) ? 'Name' : undefined;
  if (!field) return undefined;
  const v = data[field];
  return typeof v === 'string' ? normaliseName(v) : undefined;
}

export function normaliseName(name: string): string {
  return name.trim().toLowerCase();
}

const DOC_NUMBERED: ReadonlySet<EntityName> = new Set(['Invoice', 'CreditMemo']);

/**
 * One QuickBooks company (realm), entirely in memory. Tables are maps by Id; the indexes keep the
 * rules that need lookups (unique names, document numbers, per-customer balances, applications)
 * O(1) per write, so thousands of invoices per realm stay cheap.
 */
export class Company {
  private readonly tables = new Map<EntityName, Map<string, EntityRecord>>();
  private readonly nextIds = new Map<EntityName, number>();
  /** Live (not deleted) name-list objects by entity and name key → Id. */
  private readonly names = new Map<EntityName, Map<string, string>>();
  /** DocNumber → Ids of live (incl. voided) transactions, per transaction type. */
  private readonly docNumbers = new Map<EntityName, Map<string, Set<string>>>();
  private readonly maxDocNumbers = new Map<EntityName, number>();
  /** Customer Id → live transactions (invoices, credit memos, payments) of that customer. */
  private readonly customerTxns = new Map<string, Set<EntityRecord>>();
  /**
   * Applications: "Invoice:67" / "CreditMemo:12" → (payment Id → amount applied). Payment lines
   * are the source of truth; this index is rebuilt from them on every payment write.
   */
  readonly applications = new Map<string, Map<string, Decimal>>();
  private pendingChanges: ChangeEvent[] = [];
  readonly stats: CompanyStats = {
    requests: 0,
    throttled: 0,
    injectedFaults: 0,
    replays: 0,
    droppedResponses: 0,
    writes: new Map(),
  };

  constructor(
    readonly realmId: string,
    readonly timeZone: string,
    private readonly clock: Clock,
  ) {
    for (const name of ['Customer', 'Item', 'Account', 'Term', 'Invoice', 'Payment', 'CreditMemo', 'Preferences', 'CompanyInfo'] as const) {
      this.tables.set(name, new Map());
      this.nextIds.set(name, 1);
    }
  }

  now(): number {
    return this.clock.now();
  }

  /** The company-local date today. */
  today(): string {
    return companyDate(this.now(), this.timeZone);
  }

  formatTime(epochMs: number, withMillis = false): string {
    return formatCompanyDateTime(epochMs, this.timeZone, withMillis);
  }

  table(type: EntityName): Map<string, EntityRecord> {
    const t = this.tables.get(type);
    if (!t) throw new Error(`no table for ${type}`);
    return t;
  }

  /** Any record, including tombstones. */
  get(type: EntityName, id: string): EntityRecord | undefined {
    return this.table(type).get(id);
  }

  /** A record that is not deleted (voided transactions are live). */
  live(type: EntityName, id: string): EntityRecord | undefined {
    const r = this.table(type).get(id);
    return r && r.state !== 'deleted' ? r : undefined;
  }

  *liveRecords(type: EntityName): IterableIterator<EntityRecord> {
    for (const r of this.table(type).values()) if (r.state !== 'deleted') yield r;
  }

  count(type: EntityName): number {
    return this.table(type).size;
  }

  /** The Id of the live name-list object holding a name, if any. */
  idForName(type: EntityName, name: string): string | undefined {
    return this.names.get(type)?.get(normaliseName(name));
  }

  /** Ids of live transactions of `type` carrying this DocNumber. */
  idsForDocNumber(type: EntityName, docNumber: string): ReadonlySet<string> {
    return this.docNumbers.get(type)?.get(docNumber) ?? new Set();
  }

  /**
   * Highest numeric DocNumber ever used for a type: auto-numbering continues from it and, like
   * QuickBooks, does not step back when the highest one is deleted.
   */
  maxNumericDocNumber(type: EntityName): number {
    return this.maxDocNumbers.get(type) ?? 0;
  }

  customerTransactions(customerId: string): ReadonlySet<EntityRecord> {
    return this.customerTxns.get(customerId) ?? new Set();
  }

  /** Reserves the next Id for a type (Ids are per-type counters, rendered as numeric strings). */
  allocateId(type: EntityName): string {
    const n = this.nextIds.get(type) ?? 1;
    this.nextIds.set(type, n + 1);
    return String(n);
  }

  insert(type: EntityName, data: JsonObject, nowMs: number, id = this.allocateId(type)): EntityRecord {
    const time = this.formatTime(nowMs);
    const record: EntityRecord = {
      type,
      id,
      syncToken: 0,
      createdAtMs: nowMs,
      createTime: time,
      updatedAtMs: nowMs,
      lastUpdatedTime: time,
      state: 'active',
      data,
    };
    this.table(type).set(id, record);
    this.index(record);
    return record;
  }

  /** Replaces a record's data and bumps SyncToken and LastUpdatedTime. */
  replace(record: EntityRecord, data: JsonObject, nowMs: number): void {
    this.unindex(record);
    record.data = data;
    this.index(record);
    this.touch(record, nowMs);
  }

  /** A change the store made itself (a payment lowering an invoice's balance): new version, same data rules. */
  touch(record: EntityRecord, nowMs: number): void {
    record.syncToken += 1;
    record.updatedAtMs = Math.max(nowMs, record.updatedAtMs);
    record.lastUpdatedTime = this.formatTime(record.updatedAtMs);
  }

  markVoided(record: EntityRecord, data: JsonObject, nowMs: number): void {
    this.replace(record, data, nowMs);
    record.state = 'voided';
  }

  /** Turns a record into a tombstone: kept for CDC (`status: "Deleted"`), gone for reads and queries. */
  markDeleted(record: EntityRecord, nowMs: number): void {
    this.unindex(record);
    record.state = 'deleted';
    record.updatedAtMs = Math.max(nowMs, record.updatedAtMs);
    record.lastUpdatedTime = this.formatTime(record.updatedAtMs);
  }

  recordChange(record: EntityRecord, operation: ChangeOperation, nowMs: number): void {
    this.pendingChanges.push({ realmId: this.realmId, entity: record.type, id: record.id, operation, at: nowMs });
    const key = `${record.type}.${operation}`;
    this.stats.writes.set(key, (this.stats.writes.get(key) ?? 0) + 1);
  }

  /** Changes committed since the last drain, in commit order (for webhooks). */
  drainChanges(): ChangeEvent[] {
    const out = this.pendingChanges;
    this.pendingChanges = [];
    return out;
  }

  /** Drops changes without notifying (seeding is not a user change). */
  discardChanges(): void {
    this.pendingChanges = [];
  }

  private index(record: EntityRecord): void {
    if (record.state === 'deleted') return;
    const name = nameKey(record.type, record.data);
    if (name !== undefined) this.mapFor(this.names, record.type).set(name, record.id);
    if (DOC_NUMBERED.has(record.type)) {
      const doc = record.data['DocNumber'];
      if (typeof doc === 'string' && doc.length > 0) {
        const byDoc = this.mapFor(this.docNumbers, record.type);
        let ids = byDoc.get(doc);
        if (!ids) byDoc.set(doc, (ids = new Set()));
        ids.add(record.id);
        if (/^\d{1,15}$/.test(doc)) this.maxDocNumbers.set(record.type, Math.max(this.maxDocNumbers.get(record.type) ?? 0, Number(doc)));
      }
    }
    if (TRANSACTION_ENTITIES.has(record.type)) {
      const customerId = refValue(record.data, 'CustomerRef');
      if (customerId) {
        let txns = this.customerTxns.get(customerId);
        if (!txns) this.customerTxns.set(customerId, (txns = new Set()));
        txns.add(record);
      }
    }
  }

  private unindex(record: EntityRecord): void {
    const name = nameKey(record.type, record.data);
    if (name !== undefined && this.names.get(record.type)?.get(name) === record.id) this.names.get(record.type)?.delete(name);
    const doc = record.data['DocNumber'];
    if (DOC_NUMBERED.has(record.type) && typeof doc === 'string') {
      const ids = this.docNumbers.get(record.type)?.get(doc);
      ids?.delete(record.id);
      if (ids && ids.size === 0) this.docNumbers.get(record.type)?.delete(doc);
    }
    const customerId = refValue(record.data, 'CustomerRef');
    if (customerId) this.customerTxns.get(customerId)?.delete(record);
  }

  private mapFor<V>(outer: Map<EntityName, Map<string, V>>, type: EntityName): Map<string, V> {
    let m = outer.get(type);
    if (!m) outer.set(type, (m = new Map()));
    return m;
  }
}

/** All companies of the process, by realm Id. */
export class CompanyStore {
  private readonly companies = new Map<string, Company>();

  constructor(
    private readonly clock: Clock,
    private readonly defaultTimeZone: string,
    private readonly populate: (company: Company, options: CompanyOptions) => void,
  ) {}

  get(realmId: string): Company | undefined {
    return this.companies.get(realmId);
  }

  list(): Company[] {
    return [...this.companies.values()];
  }

  /** Creates (or replaces) a company with the base objects every QuickBooks company starts with. */
  create(realmId: string, options: CompanyOptions = {}): Company {
    const company = new Company(realmId, options.timeZone ?? this.defaultTimeZone, this.clock);
    this.populate(company, options);
    company.discardChanges();
    this.companies.set(realmId, company);
    return company;
  }

  getOrCreate(realmId: string): Company {
    return this.companies.get(realmId) ?? this.create(realmId);
  }

  delete(realmId: string): boolean {
    return this.companies.delete(realmId);
  }

  clear(): void {
    this.companies.clear();
  }
}

export interface CompanyOptions {
  companyName?: string;
  timeZone?: string;
}
