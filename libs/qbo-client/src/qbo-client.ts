import { type Clock, sleep, systemClock } from './clock';
import { type AgedReceivableDetail, type AgedReceivablesSummary, parseAgedReceivableDetail, parseAgedReceivables, type QboReport } from './aged-receivables-report';
import { HttpTransport, HttpTransportError, type HttpTransportOptions, type HttpResponse } from './http-transport';
import { batchEntity, type BatchItem, type BatchItemResult, chunk, isWriteOperation, QBO_MAX_BATCH_ITEMS } from './qbo-batch';
import {
  type CdcEntity,
  type CompanyInfo,
  type CreatableEntity,
  type DeletableEntity,
  entityPath,
  type NameListEntity,
  type Preferences,
  type QboCreateMap,
  type QboDeleted,
  type QboEntityMap,
  type QboEntityName,
  type QboObjectVersion,
  type QboSparsePatch,
  type QueryableEntity,
  type UpdatableEntity,
  type VoidableEntity,
} from './qbo-entities';
import {
  mapBatchItemFault,
  mapHttpError,
  QboAuthenticationError,
  QboAuthorizationError,
  QboAuthRevokedError,
  QboClientUsageError,
  QboError,
  QboNetworkError,
  QboRateLimitedError,
  QboServerError,
  QboTimeoutError,
  QboUncertainWriteError,
} from './qbo-errors';
import { parseQboJson, stringifyQboJson } from './qbo-json';
import { type QboLogger, silentLogger } from './qbo-logger';
import { QBO_MAX_RESULTS, type QboQuery } from './query-builder';
import { InMemoryRealmBudget, type RealmLimits } from './realm-budget';
import { RealmRateLimiter } from './realm-rate-limiter';
import { deriveRequestId } from './request-id';
import { RetryPolicy, type RetryOptions } from './retry-policy';
import type { AccessTokenProvider } from './token-manager';

export const QBO_PRODUCTION_API_BASE_URL = 'https://quickbooks.api.intuit.com';
export const QBO_SANDBOX_API_BASE_URL = 'https://sandbox-quickbooks.api.intuit.com';
/** Since 2025-08-01 QuickBooks treats anything lower (or nothing) as 75. */
export const DEFAULT_MINOR_VERSION = 75;
/** Change Data Capture looks back at most 30 days. */
const CDC_MAX_LOOKBACK_MS = 30 * 24 * 60 * 60 * 1000;
/** Above this length a query goes in a POST body instead of the URL. */
const MAX_GET_QUERY_CHARS = 1_800;

export interface QboClientOptions {
  /** `QBO_API_BASE_URL`, without `/v3`. Default Intuit production. */
  apiBaseUrl?: string;
  /** Sent on every request. Default 75. */
  minorVersion?: number;
  tokens: AccessTokenProvider;
  /** Shared limiter (e.g. over a PgRealmBudget). Default: an in-memory budget with `limits`. */
  limiter?: RealmRateLimiter;
  limits?: Partial<RealmLimits>;
  retry?: Partial<RetryOptions>;
  http?: Partial<HttpTransportOptions>;
  clock?: Clock;
  logger?: QboLogger;
  /** Source of randomness for jitter, injected for tests. */
  random?: () => number;
  userAgent?: string;
}

/** Every write needs a caller-chosen key naming the logical write, e.g. `invoice:<sourceId>:v<version>`. */
export interface WriteOptions {
  idempotencyKey: string;
}

export interface CreateOptions extends WriteOptions {
  /** Let the create reuse a DocNumber already used (else QuickBooks answers 6140). */
  allowDuplicateDocNumber?: boolean;
}

export interface QueryPage<E extends QueryableEntity> {
  rows: QboEntityMap[E][];
  startPosition: number;
  /** Rows in this page (QuickBooks' `maxResults` is the count returned, not the limit asked for). */
  count: number;
}

export type CdcChanges = { [E in CdcEntity]?: { changed: QboEntityMap[E][]; deleted: QboDeleted[] } };

export interface CdcResult {
  changes: CdcChanges;
  /** Objects in the answer across entities. */
  objectCount: number;
  /** QuickBooks caps CDC at 1000 objects with no paging: at the cap, ask again for a shorter period. */
  possiblyTruncated: boolean;
  /** Server time of the answer; use as the next `changedSince`. */
  time?: string;
}

export interface AgedReceivablesParams {
  /** YYYY-MM-DD; default today in the company's zone. */
  reportDate?: string;
  agingMethod?: 'Report_Date' | 'Current';
  customerIds?: readonly string[];
  accountingMethod?: 'Cash' | 'Accrual';
  /** Days per bucket (default 30) and number of buckets before "… and over" (default 4). */
  agingPeriodDays?: number;
  numPeriods?: number;
}

export interface AgedReceivableDetailParams extends AgedReceivablesParams {
  /** Only transactions at least this many days past due. */
  pastDueDays?: number;
  /** Column types, e.g. ['tx_date','txn_type','doc_num','cust_name','due_date','subt_amount','subt_open_bal']. */
  columns?: readonly string[];
}

interface ApiCall {
  realmId: string;
  method: 'GET' | 'POST';
  /** Path under `/v3/company/{realmId}/`. */
  path: string;
  query?: Record<string, string | undefined>;
  body?: string;
  contentType?: string;
  /** A write may change data in QuickBooks: its lost answers are uncertain, not retryable. */
  write: boolean;
  requestId?: string;
  /** For logs: "create Invoice". */
  label: string;
  /** Set for a batch request: its item count (the rate budget counts batches on their own, see RealmLimits). */
  batchItems?: number;
}

/**
 * The QuickBooks Online client. Every request goes through: the realm's rate limiter → a bearer token
 * (refreshed ahead of expiry; one refresh + resend on 401/3200) → undici → error mapping (qbo-errors.ts)
 * → retry of transient failures with full-jitter backoff. Money crosses the edge as exact decimal strings.
 */
export class QboClient {
  private readonly apiBaseUrl: string;
  private readonly minorVersion: number;
  private readonly http: HttpTransport;
  private readonly limiter: RealmRateLimiter;
  private readonly ownsLimiter: boolean;
  private readonly retry: RetryPolicy;
  /** @internal */
  readonly clock: Clock;
  private readonly logger: QboLogger;
  private readonly userAgent: string;

  constructor(private readonly options: QboClientOptions) {
    this.apiBaseUrl = (options.apiBaseUrl ?? QBO_PRODUCTION_API_BASE_URL).replace(/\/+$/, '');
    this.minorVersion = options.minorVersion ?? DEFAULT_MINOR_VERSION;
    if (!Number.isInteger(this.minorVersion) || this.minorVersion < 1) throw new RangeError('minorVersion must be a positive integer');
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.http = new HttpTransport(options.http);
    this.ownsLimiter = options.limiter === undefined;
    this.limiter =
      options.limiter ?? new RealmRateLimiter({ budget: new InMemoryRealmBudget(options.limits, this.clock), clock: this.clock, logger: this.logger });
    this.retry = new RetryPolicy(options.retry, options.random);
    this.userAgent = options.userAgent ?? 'arbiter-qbo-client';
  }

  /** Operations on one QuickBooks company. */
  company(realmId: string): QboCompany {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(realmId)) throw new QboClientUsageError(`invalid realmId ${JSON.stringify(realmId)}`);
    return new QboCompany(this, realmId);
  }

  async close(): Promise<void> {
    if (this.ownsLimiter) this.limiter.close();
    await this.http.close();
  }

  /**
   * Runs one logical request with retries. Returns the parsed JSON body (numbers as decimal strings).
   * @throws QboError (see qbo-errors.ts); QboUncertainWriteError when a write's answer was lost.
   * @internal used by QboCompany
   */
  async call(c: ApiCall): Promise<Record<string, unknown>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(c);
      } catch (error) {
        if (!(error instanceof QboError)) throw error;
        const decision = this.retry.decide(error, attempt);
        this.logger.warn(
          `QuickBooks request failed op="${c.label}" realmId=${c.realmId} attempt=${attempt} type=${error.type}` +
            ` code=${error.code ?? '-'} status=${error.httpStatus ?? '-'} intuitTid=${error.intuitTid ?? '-'}` +
            (decision.retry ? ` retryInMs=${decision.delayMs}` : ' giving-up'),
        );
        // Throttled: hold back the whole realm (every replica sharing the budget), not just this caller, so the
        // others do not hit 429 too; for exactly as long as QuickBooks said when it sent Retry-After, even if this
        // caller gives up.
        if (error instanceof QboRateLimitedError && error.httpStatus !== undefined) {
          this.limiter.pause(c.realmId, error.retryAfterMs ?? (decision.retry ? decision.delayMs : this.retry.options.rateLimitedBaseDelayMs));
        }
        if (!decision.retry) throw error;
        await sleep(this.clock, decision.delayMs);
      }
    }
  }

  private async attempt(c: ApiCall): Promise<Record<string, unknown>> {
    let token = await this.options.tokens.getAccessToken(c.realmId);
    for (let refreshed = false; ; refreshed = true) {
      const res = await this.send(c, token);
      if (res.status >= 200 && res.status < 300) return this.parseSuccess(c, res);
      const error = mapHttpError({ status: res.status, headers: res.headers, body: res.body, realmId: c.realmId, nowMs: this.clock.now() });
      if (error instanceof QboAuthenticationError && !refreshed) {
        token = await this.options.tokens.refreshAfterUnauthorized(c.realmId, token);
        continue;
      }
      throw error;
    }
  }

  private async send(c: ApiCall, token: string): Promise<HttpResponse> {
    const url = new URL(`${this.apiBaseUrl}/v3/company/${encodeURIComponent(c.realmId)}/${c.path}`);
    url.searchParams.set('minorversion', String(this.minorVersion));
    if (c.requestId) url.searchParams.set('requestid', c.requestId);
    for (const [k, v] of Object.entries(c.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      'user-agent': this.userAgent,
    };
    if (c.method === 'POST') headers['content-type'] = c.contentType ?? 'application/json';

    const permit = await this.limiter.acquire(c.realmId, c.batchItems === undefined ? {} : { batchItems: c.batchItems });
    const started = this.clock.now();
    try {
      const res = await this.http.send({ method: c.method, url, headers, body: c.body });
      this.logger.debug?.(
        `QuickBooks answered op="${c.label}" realmId=${c.realmId} status=${res.status} ms=${this.clock.now() - started} intuitTid=${headerValue(res, 'intuit_tid') ?? '-'}`,
      );
      return res;
    } catch (error) {
      if (!(error instanceof HttpTransportError)) throw error;
      const init = { realmId: c.realmId, cause: error, detail: error.message };
      if (c.write && error.requestMayHaveBeenSent) throw new QboUncertainWriteError({ ...init, requestId: c.requestId });
      throw error.timedOut ? new QboTimeoutError(init) : new QboNetworkError(init);
    } finally {
      permit.release();
    }
  }

  private parseSuccess(c: ApiCall, res: HttpResponse): Record<string, unknown> {
    try {
      const parsed = parseQboJson(res.body);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // fall through: a 2xx we cannot read
    }
    const init = { realmId: c.realmId, httpStatus: res.status, intuitTid: headerValue(res, 'intuit_tid'), detail: 'unreadable 2xx body' };
    // The write went through (2xx) but we cannot tell what it produced: the caller must read back.
    if (c.write) throw new QboUncertainWriteError({ ...init, requestId: c.requestId });
    throw new QboServerError(init);
  }
}

const headerValue = (res: HttpResponse, name: string): string | undefined => {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Typed operations on one company (realm). Obtain with {@link QboClient.company}. */
export class QboCompany {
  constructor(
    private readonly client: QboClient,
    readonly realmId: string,
  ) {}

  /**
   * Creates an object. The write is idempotent per `idempotencyKey` (sent as a derived `requestid`).
   * @throws QboError, e.g. QboDuplicateNameError, QboDuplicateDocNumberError, QboClosedPeriodError, QboUncertainWriteError.
   */
  async create<E extends CreatableEntity>(entity: E, body: QboCreateMap[E], options: CreateOptions): Promise<QboEntityMap[E]> {
    const res = await this.client.call({
      realmId: this.realmId,
      method: 'POST',
      path: entityPath(entity),
      query: { include: options.allowDuplicateDocNumber ? 'allowduplicatedocnum' : undefined },
      body: stringifyQboJson(body),
      write: true,
      requestId: deriveRequestId('create', entity, options.idempotencyKey),
      label: `create ${entity}`,
    });
    return this.unwrap(res, entity, true);
  }

  /** @throws QboError, e.g. QboInvalidReferenceError (610) for a deleted object. */
  async read<E extends Exclude<QboEntityName, 'Preferences' | 'CompanyInfo'>>(entity: E, id: string): Promise<QboEntityMap[E]> {
    const res = await this.client.call({ realmId: this.realmId, method: 'GET', path: `${entityPath(entity)}/${encodeURIComponent(id)}`, write: false, label: `read ${entity}` });
    return this.unwrap(res, entity, false);
  }

  /**
   * Sparse update: only the fields in `patch` change (but a `Line` array replaces all lines).
   * @throws QboError, e.g. QboStaleObjectError when `SyncToken` is not the latest.
   */
  async update<E extends UpdatableEntity>(entity: E, patch: QboSparsePatch<E>, options: WriteOptions): Promise<QboEntityMap[E]> {
    const res = await this.client.call({
      realmId: this.realmId,
      method: 'POST',
      path: entityPath(entity),
      query: { operation: 'update' },
      body: stringifyQboJson({ ...patch, sparse: true }),
      write: true,
      requestId: deriveRequestId('update', entity, options.idempotencyKey),
      label: `update ${entity}`,
    });
    return this.unwrap(res, entity, true);
  }

  /**
   * Voids a transaction (amounts zeroed, kept on file). Payments are voided as QuickBooks documents it:
   * a sparse update with `include=void`.
   * @throws QboError
   */
  async void<E extends VoidableEntity>(entity: E, version: QboObjectVersion, options: WriteOptions): Promise<QboEntityMap[E]> {
    const ref = { Id: version.Id, SyncToken: version.SyncToken };
    const res = await this.client.call({
      realmId: this.realmId,
      method: 'POST',
      path: entityPath(entity),
      query: entity === 'Payment' ? { operation: 'update', include: 'void' } : { operation: 'void' },
      body: stringifyQboJson(entity === 'Payment' ? { ...ref, sparse: true } : ref),
      write: true,
      requestId: deriveRequestId('void', entity, options.idempotencyKey),
      label: `void ${entity}`,
    });
    return this.unwrap(res, entity, true);
  }

  /** Deletes a transaction (linked transactions must be unlinked first). @throws QboError */
  async delete<E extends DeletableEntity>(entity: E, version: QboObjectVersion, options: WriteOptions): Promise<QboDeleted> {
    const res = await this.client.call({
      realmId: this.realmId,
      method: 'POST',
      path: entityPath(entity),
      query: { operation: 'delete' },
      body: stringifyQboJson({ Id: version.Id, SyncToken: version.SyncToken }),
      write: true,
      requestId: deriveRequestId('delete', entity, options.idempotencyKey),
      label: `delete ${entity}`,
    });
    return this.unwrap(res, entity, true) as unknown as QboDeleted;
  }

  /** Name-list objects are never deleted in QuickBooks: this sets `Active: false`. @throws QboError */
  deactivate<E extends NameListEntity>(entity: E, version: QboObjectVersion, options: WriteOptions): Promise<QboEntityMap[E]> {
    const patch = { Id: version.Id, SyncToken: version.SyncToken, Active: false } as QboSparsePatch<E>;
    return this.update(entity, patch, options);
  }

  /** One page of a query (default: the first 1000 rows). @throws QboError */
  async query<E extends QueryableEntity>(query: QboQuery<E>, page = { startPosition: 1, maxResults: QBO_MAX_RESULTS }): Promise<QueryPage<E>> {
    const res = await this.runQuery(query.toStatement(page), `query ${query.entity}`);
    const qr = (res['QueryResponse'] ?? {}) as Record<string, unknown>;
    const rows = (qr[query.entity] ?? []) as QboEntityMap[E][];
    return { rows, startPosition: page.startPosition, count: rows.length };
  }

  /**
   * Every page of a query, STARTPOSITION 1, 1001, 2001, …, until a page comes back short. Ordered by Id
   * unless the query sets its own order, so pages do not overlap while data is stable.
   * @throws QboError
   */
  async *queryPages<E extends QueryableEntity>(query: QboQuery<E>, pageSize = QBO_MAX_RESULTS): AsyncGenerator<QboEntityMap[E][]> {
    const ordered = query.ordered ? query : query.orderBy('Id');
    for (let start = 1; ; ) {
      const page = await this.query(ordered, { startPosition: start, maxResults: pageSize });
      if (page.count > 0) yield page.rows;
      // QuickBooks has returned more rows than asked for (node-quickbooks#89): advance by what came back.
      if (page.count < pageSize) return;
      start += page.count;
    }
  }

  /** All rows of a query, paging automatically past 1000. @throws QboError */
  async queryAll<E extends QueryableEntity>(query: QboQuery<E>, pageSize = QBO_MAX_RESULTS): Promise<QboEntityMap[E][]> {
    const all: QboEntityMap[E][] = [];
    for await (const rows of this.queryPages(query, pageSize)) all.push(...rows);
    return all;
  }

  /** `SELECT COUNT(*)` with the query's conditions. @throws QboError */
  async count(query: QboQuery): Promise<number> {
    const res = await this.runQuery(query.toCountStatement(), `count ${query.entity}`);
    const total = ((res['QueryResponse'] ?? {}) as Record<string, unknown>)['totalCount'];
    return typeof total === 'number' ? total : Number(total ?? 0);
  }

  /**
   * Objects changed since `changedSince` (≤ 30 days ago), deleted ones as tombstones.
   * @throws QboClientUsageError for an empty entity list or a look-back over 30 days; QboError otherwise.
   */
  async cdc(entities: readonly CdcEntity[], changedSince: Date | string): Promise<CdcResult> {
    const now = new Date(this.client.clock.now());
    if (entities.length === 0) throw new QboClientUsageError('CDC needs at least one entity');
    const since = typeof changedSince === 'string' ? new Date(changedSince) : changedSince;
    if (Number.isNaN(since.getTime())) throw new QboClientUsageError('changedSince is not a date');
    if (now.getTime() - since.getTime() > CDC_MAX_LOOKBACK_MS) throw new QboClientUsageError('CDC looks back at most 30 days');
    const res = await this.client.call({
      realmId: this.realmId,
      method: 'GET',
      path: 'cdc',
      query: { entities: entities.join(','), changedSince: typeof changedSince === 'string' ? changedSince : since.toISOString() },
      write: false,
      label: 'cdc',
    });
    const changes: Record<string, { changed: unknown[]; deleted: QboDeleted[] }> = {};
    let objectCount = 0;
    const groups = ((res['CDCResponse'] as Array<{ QueryResponse?: Array<Record<string, unknown>> }> | undefined) ?? []).flatMap((r) => r.QueryResponse ?? []);
    for (const group of groups) {
      for (const entity of entities) {
        const list = group[entity];
        if (!Array.isArray(list)) continue;
        const bucket = (changes[entity] ??= { changed: [], deleted: [] });
        for (const obj of list as Array<Record<string, unknown>>) {
          objectCount++;
          if (obj['status'] === 'Deleted') bucket.deleted.push(obj as unknown as QboDeleted);
          else bucket.changed.push(obj);
        }
      }
    }
    return { changes: changes as CdcChanges, objectCount, possiblyTruncated: objectCount >= 1000, time: res['time'] as string | undefined };
  }

  /**
   * Sends items in requests of at most 30 and returns one result per item, in input order. A failed item
   * (per-item Fault in a 200 answer) does not fail the others. A request that fails as a whole gives each of
   * its items that error (QboUncertainWriteError for writes whose answer was lost); after a transient or auth
   * failure the remaining requests are not sent and their items carry the same error.
   * `idempotencyKey` must name this exact set of items (it seeds each request's requestid).
   * @throws QboClientUsageError for duplicate keys or a chunk size over 30.
   */
  async batch(items: readonly BatchItem[], options: WriteOptions & { maxItemsPerRequest?: number }): Promise<BatchItemResult[]> {
    const size = options.maxItemsPerRequest ?? QBO_MAX_BATCH_ITEMS;
    if (!Number.isInteger(size) || size < 1 || size > QBO_MAX_BATCH_ITEMS) throw new QboClientUsageError(`batch size must be 1..${QBO_MAX_BATCH_ITEMS}`);
    if (new Set(items.map((i) => i.key)).size !== items.length) throw new QboClientUsageError('batch item keys must be unique');
    const results: BatchItemResult[] = [];
    let stopWith: QboError | undefined;
    for (const [index, part] of chunk(items, size).entries()) {
      if (stopWith) {
        results.push(...part.map((item) => failedItem(item, stopWith as QboError)));
        continue;
      }
      try {
        results.push(...(await this.batchChunk(part, index, options.idempotencyKey)));
      } catch (error) {
        if (!(error instanceof QboError)) throw error;
        // Earlier chunks are committed: report this failure per item instead of throwing their results away.
        results.push(...part.map((item) => failedItem(item, error)));
        // Throttling, outages and auth problems would hit every later chunk too: do not send them.
        if (error.kind === 'transient' || error instanceof QboAuthenticationError || error instanceof QboAuthRevokedError || error instanceof QboAuthorizationError) {
          stopWith = error;
        }
      }
    }
    return results;
  }

  private async batchChunk(part: readonly BatchItem[], index: number, idempotencyKey: string): Promise<BatchItemResult[]> {
    // bIds are ours, ≤ 10 characters as QuickBooks requires when a requestid is sent; caller keys can be anything.
    const request = part.map((item, i) => {
      const bId = `b${i + 1}`;
      const op = item.op;
      if (op.operation === 'query') return { bId, Query: op.query.toStatement(op.page ?? { startPosition: 1, maxResults: QBO_MAX_RESULTS }) };
      const body = op.operation === 'update' ? { ...op.body, sparse: true } : op.body;
      return { bId, operation: op.operation, [op.entity]: body };
    });
    const write = part.some((i) => isWriteOperation(i.op));
    const res = await this.client.call({
      realmId: this.realmId,
      method: 'POST',
      path: 'batch',
      body: stringifyQboJson({ BatchItemRequest: request }),
      batchItems: part.length,
      write,
      // The item keys are part of the id: resending a different set under the same key must not replay this answer.
      requestId: write ? deriveRequestId('batch', `${index}`, `${idempotencyKey}\u0000${part.map((i) => i.key).join('\u0000')}`) : undefined,
      label: `batch ${part.length}`,
    });
    const responses = new Map<string, Record<string, unknown>>();
    for (const r of (res['BatchItemResponse'] ?? []) as Array<Record<string, unknown>>) responses.set(String(r['bId']), r);

    return part.map((item, i): BatchItemResult => {
      const op = item.op;
      const entity = batchEntity(op);
      const r = responses.get(`b${i + 1}`);
      if (!r) {
        const init = { realmId: this.realmId, detail: `no BatchItemResponse for item ${item.key}` };
        return { key: item.key, ok: false, operation: op.operation, error: isWriteOperation(op) ? new QboUncertainWriteError(init) : new QboServerError(init) };
      }
      if (r['Fault']) return { key: item.key, ok: false, operation: op.operation, error: mapBatchItemFault(r['Fault'], { realmId: this.realmId }) };
      if (op.operation === 'query') {
        const qr = (r['QueryResponse'] ?? {}) as Record<string, unknown>;
        return { key: item.key, ok: true, operation: 'query', entity, value: (qr[entity] ?? []) as Array<QboEntityMap[typeof entity]> };
      }
      const value = r[entity];
      if (!value) {
        const init = { realmId: this.realmId, detail: `BatchItemResponse for ${item.key} has no ${entity}` };
        return { key: item.key, ok: false, operation: op.operation, error: new QboUncertainWriteError(init) };
      }
      if (op.operation === 'delete') return { key: item.key, ok: true, operation: 'delete', entity, value: value as QboDeleted };
      return { key: item.key, ok: true, operation: op.operation, entity, value: value as QboEntityMap[typeof entity] };
    });
  }

  /** Raw report JSON from `/reports/{name}` (amounts are strings there). @throws QboError */
  async report(name: string, params: Record<string, string | undefined>): Promise<QboReport> {
    if (!/^[A-Za-z]+$/.test(name)) throw new QboClientUsageError(`invalid report name ${JSON.stringify(name)}`);
    const res = await this.client.call({ realmId: this.realmId, method: 'GET', path: `reports/${name}`, query: params, write: false, label: `report ${name}` });
    return res as QboReport;
  }

  /** A/R aging summary, one typed row per customer; totals from the report's own total row. @throws QboError */
  async agedReceivables(params: AgedReceivablesParams = {}): Promise<AgedReceivablesSummary> {
    return parseAgedReceivables(await this.report('AgedReceivables', agingParams(params)));
  }

  /** A/R aging detail, one typed row per open transaction. @throws QboError */
  async agedReceivableDetail(params: AgedReceivableDetailParams = {}): Promise<AgedReceivableDetail> {
    return parseAgedReceivableDetail(
      await this.report('AgedReceivableDetail', {
        ...agingParams(params),
        past_due: params.pastDueDays === undefined ? undefined : String(params.pastDueDays),
        columns: params.columns?.join(','),
      }),
    );
  }

  /** @throws QboError */
  async preferences(): Promise<Preferences> {
    const res = await this.client.call({ realmId: this.realmId, method: 'GET', path: 'preferences', write: false, label: 'read Preferences' });
    return this.unwrap(res, 'Preferences', false);
  }

  /** The books' closing date (YYYY-MM-DD), or undefined when books are not closed. @throws QboError */
  async bookCloseDate(): Promise<string | undefined> {
    return (await this.preferences()).AccountingInfoPrefs?.BookCloseDate || undefined;
  }

  /** @throws QboError */
  async companyInfo(): Promise<CompanyInfo> {
    const res = await this.client.call({
      realmId: this.realmId,
      method: 'GET',
      path: `companyinfo/${encodeURIComponent(this.realmId)}`,
      write: false,
      label: 'read CompanyInfo',
    });
    return this.unwrap(res, 'CompanyInfo', false);
  }

  private runQuery(statement: string, label: string): Promise<Record<string, unknown>> {
    if (statement.length <= MAX_GET_QUERY_CHARS) {
      return this.client.call({ realmId: this.realmId, method: 'GET', path: 'query', query: { query: statement }, write: false, label });
    }
    return this.client.call({ realmId: this.realmId, method: 'POST', path: 'query', body: statement, contentType: 'application/text', write: false, label });
  }

  private unwrap<E extends QboEntityName>(res: Record<string, unknown>, entity: E, write: boolean): QboEntityMap[E] {
    const value = res[entity];
    if (typeof value === 'object' && value !== null) return value as QboEntityMap[E];
    const init = { realmId: this.realmId, detail: `response has no ${entity}` };
    throw write ? new QboUncertainWriteError(init) : new QboServerError(init);
  }
}

/** A whole-request failure as one item's outcome; a lost answer only makes the item's *write* uncertain. */
function failedItem(item: BatchItem, error: QboError): BatchItemResult {
  const uncertainRead = error instanceof QboUncertainWriteError && !isWriteOperation(item.op);
  const itemError = uncertainRead ? new QboServerError({ realmId: error.realmId, detail: error.detail, cause: error }) : error;
  return { key: item.key, ok: false, operation: item.op.operation, error: itemError };
}

function agingParams(p: AgedReceivablesParams): Record<string, string | undefined> {
  const int = (n: number | undefined, name: string) => {
    if (n === undefined) return undefined;
    if (!Number.isInteger(n) || n < 0) throw new QboClientUsageError(`${name} must be a non-negative integer`);
    return String(n);
  };
  if (p.reportDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(p.reportDate)) throw new QboClientUsageError('reportDate must be YYYY-MM-DD');
  return {
    report_date: p.reportDate,
    aging_method: p.agingMethod,
    customer: p.customerIds?.join(','),
    accounting_method: p.accountingMethod,
    aging_period: int(p.agingPeriodDays, 'agingPeriodDays'),
    num_periods: int(p.numPeriods, 'numPeriods'),
  };
}
