import { parseQboJson } from './qbo-json';

/**
 * Every failure the client raises is a QboError. Three kinds:
 * - `transient`: retry later with backoff (429/3001, 5xx, network before the request was sent, read timeouts);
 * - `permanent`: retrying the same request cannot succeed (validation, duplicates, closed books, stale
 *   SyncToken, bad references, auth revoked);
 * - `uncertain`: a write was sent and its answer never came back; read back before deciding to retry.
 */
export type QboErrorKind = 'transient' | 'permanent' | 'uncertain';

/** Stable machine name of each error class; a controller maps these to statuses or run outcomes. */
export type QboErrorType =
  | 'rate_limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'validation'
  | 'duplicate_name'
  | 'duplicate_doc_number'
  | 'closed_period'
  | 'stale_object'
  | 'invalid_reference'
  | 'not_found'
  | 'authentication'
  | 'authorization'
  | 'auth_revoked'
  | 'client_usage'
  | 'uncertain_write';

/** One `Fault.Error[]` entry as QuickBooks sent it. */
export interface QboFaultDetail {
  code?: string;
  message?: string;
  detail?: string;
  element?: string;
}

export interface QboErrorInit {
  /** QuickBooks error code, a string (`"6240"`); absent for network failures. */
  code?: string;
  /** QuickBooks' short `Message`. */
  qboMessage?: string;
  /** QuickBooks' `Detail`. */
  detail?: string;
  element?: string;
  /** Fault type: ValidationFault, SystemFault, AuthenticationFault, AuthorizationFault, SERVICE, AUTHENTICATION. */
  faultType?: string;
  httpStatus?: number;
  /** `intuit_tid` response header; Intuit support asks for it. */
  intuitTid?: string;
  /** Server-requested wait before retrying (Retry-After), milliseconds. */
  retryAfterMs?: number;
  realmId?: string;
  /** All errors of the fault, the first one being the one this error is named after. */
  faults?: QboFaultDetail[];
  /** Overrides the class's default plain-language reason. */
  reason?: string;
  cause?: unknown;
}

export abstract class QboError extends Error {
  abstract readonly kind: QboErrorKind;
  abstract readonly type: QboErrorType;
  readonly code?: string;
  readonly qboMessage?: string;
  readonly detail?: string;
  readonly element?: string;
  readonly faultType?: string;
  readonly httpStatus?: number;
  readonly intuitTid?: string;
  readonly retryAfterMs?: number;
  readonly realmId?: string;
  readonly faults: QboFaultDetail[];
  /** One sentence a person (or a controller showing it to one) can act on. */
  readonly reason: string;

  protected constructor(defaultReason: string, init: QboErrorInit = {}) {
    const reason = init.reason ?? defaultReason;
    const parts = [init.code && `code=${init.code}`, init.httpStatus && `status=${init.httpStatus}`, init.qboMessage, init.detail]
      .filter(Boolean)
      .join(' ');
    super(parts ? `${reason} (${parts})` : reason, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.reason = reason;
    this.code = init.code;
    this.qboMessage = init.qboMessage;
    this.detail = init.detail;
    this.element = init.element;
    this.faultType = init.faultType;
    this.httpStatus = init.httpStatus;
    this.intuitTid = init.intuitTid;
    this.retryAfterMs = init.retryAfterMs;
    this.realmId = init.realmId;
    this.faults = init.faults ?? (init.code ? [{ code: init.code, message: init.qboMessage, detail: init.detail, element: init.element }] : []);
  }

  get transient(): boolean {
    return this.kind === 'transient';
  }
}

export abstract class QboTransientError extends QboError {
  readonly kind = 'transient' as const;
}

export abstract class QboPermanentError extends QboError {
  readonly kind = 'permanent' as const;
}

/** 429 / code 3001 (also historically 403 + 3001), or our own queue waited too long for a slot. */
export class QboRateLimitedError extends QboTransientError {
  readonly type = 'rate_limited' as const;
  constructor(init?: QboErrorInit) {
    super('QuickBooks is throttling this company; the request will be retried later.', init);
  }
}

/** 5xx, SystemFault, code 10000: QuickBooks' side failed ("resubmit the request"). */
export class QboServerError extends QboTransientError {
  readonly type = 'server' as const;
  constructor(init?: QboErrorInit) {
    super('QuickBooks had a temporary server problem; the request can be retried.', init);
  }
}

/** The connection failed before the request reached QuickBooks (refused, DNS, connect timeout), or a read failed mid-way. */
export class QboNetworkError extends QboTransientError {
  readonly type = 'network' as const;
  constructor(init?: QboErrorInit) {
    super('QuickBooks could not be reached; the request can be retried.', init);
  }
}

/** A read (or a request never sent) took too long. Writes that time out after sending are QboUncertainWriteError. */
export class QboTimeoutError extends QboTransientError {
  readonly type = 'timeout' as const;
  constructor(init?: QboErrorInit) {
    super('QuickBooks did not answer in time; the request can be retried.', init);
  }
}

/** 400 ValidationFault not covered by a narrower class (2xxx, 4000 query parse, 6000 business rules, ...). */
export class QboValidationError extends QboPermanentError {
  readonly type = 'validation' as const;
  constructor(init?: QboErrorInit) {
    super('QuickBooks rejected the data; it must be corrected before trying again.', init);
  }
}

/** 6240: DisplayName is shared across Customer, Vendor and Employee (and Item names are unique). */
export class QboDuplicateNameError extends QboPermanentError {
  readonly type = 'duplicate_name' as const;
  constructor(init?: QboErrorInit) {
    super('Another customer, vendor, employee or item in QuickBooks already uses this name; rename it or link to the existing record.', init);
  }
}

/** 6140: DocNumber already used by another transaction of the same type. */
export class QboDuplicateDocNumberError extends QboPermanentError {
  readonly type = 'duplicate_doc_number' as const;
  constructor(init?: QboErrorInit) {
    super('This document number is already used by another transaction in QuickBooks.', init);
  }
}

/** 6210: the transaction date is on or before Preferences.AccountingInfoPrefs.BookCloseDate. */
export class QboClosedPeriodError extends QboPermanentError {
  readonly type = 'closed_period' as const;
  constructor(init?: QboErrorInit) {
    super('The books are closed in QuickBooks for this date; the change must be made in a later period or by the accountant.', init);
  }
}

/** 5010: the SyncToken sent is older than the stored one; re-read the object and reapply the change. */
export class QboStaleObjectError extends QboPermanentError {
  readonly type = 'stale_object' as const;
  constructor(init?: QboErrorInit) {
    super('Someone changed this record in QuickBooks meanwhile; it must be re-read before updating.', init);
  }
}

/** 610 / 2500: a referenced object is missing, inactive or deleted. */
export class QboInvalidReferenceError extends QboPermanentError {
  readonly type = 'invalid_reference' as const;
  constructor(init?: QboErrorInit) {
    super('A customer, item, account or transaction this refers to is missing, inactive or deleted in QuickBooks.', init);
  }
}

/** 404 with no QuickBooks code: wrong path or object id. */
export class QboNotFoundError extends QboPermanentError {
  readonly type = 'not_found' as const;
  constructor(init?: QboErrorInit) {
    super('QuickBooks has no such object.', init);
  }
}

/** 401 / 3200 that survived one token refresh. */
export class QboAuthenticationError extends QboPermanentError {
  readonly type = 'authentication' as const;
  constructor(init?: QboErrorInit) {
    super('QuickBooks did not accept our access token even after a refresh.', init);
  }
}

/** 403 / 3100 / 120: the app or the connecting user lost access to this company. */
export class QboAuthorizationError extends QboPermanentError {
  readonly type = 'authorization' as const;
  constructor(init?: QboErrorInit) {
    super('The QuickBooks user who connected this company no longer has access; an administrator must reconnect.', init);
  }
}

/** invalid_grant, a revoked connection, or a connection already in `error` state: reconnecting is the only fix. */
export class QboAuthRevokedError extends QboPermanentError {
  readonly type = 'auth_revoked' as const;
  constructor(init?: QboErrorInit) {
    super('The QuickBooks connection was revoked or expired; the company must be reconnected.', init);
  }
}

/** The caller used the client wrongly (bad query value, too many batch items, ...); nothing was sent. */
export class QboClientUsageError extends QboPermanentError {
  readonly type = 'client_usage' as const;
  constructor(reason: string) {
    super(reason, { reason });
  }
}

/**
 * A write (create/update/void/delete/batch) was sent but its response never arrived (timeout after sending,
 * socket reset mid-response). QuickBooks may or may not have applied it. Read back (query by DocNumber,
 * or re-read by Id and compare SyncToken) before retrying; a retry must reuse the same idempotency key.
 */
export class QboUncertainWriteError extends QboError {
  readonly kind = 'uncertain' as const;
  readonly type = 'uncertain_write' as const;
  /** The `requestid` the write was sent with; resending with it makes QuickBooks replay its original answer. */
  readonly requestId?: string;
  constructor(init: QboErrorInit & { requestId?: string }) {
    super('A write was sent to QuickBooks but no answer came back; check QuickBooks before retrying.', init);
    this.requestId = init.requestId;
  }
}

export const isQboError = (e: unknown): e is QboError => e instanceof QboError;

type Headers = Record<string, string | string[] | undefined>;

const header = (headers: Headers, name: string): string | undefined => {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Retry-After as delta-seconds or an HTTP date, in milliseconds from `nowMs`; undefined when absent or unparsable.
 * (Intuit does not document sending it; secondary sources say it may — honoured when present.)
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

/** Reads `Fault` (normal) or `fault` (the 401 shape, lower-case keys) from a parsed body. */
export function extractFault(body: unknown): { type?: string; errors: QboFaultDetail[] } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const fault = (record['Fault'] ?? record['fault']) as Record<string, unknown> | undefined;
  if (typeof fault !== 'object' || fault === null) return undefined;
  const list = (fault['Error'] ?? fault['error']) as unknown;
  const errors = (Array.isArray(list) ? list : []).map((e: Record<string, unknown>) => ({
    code: str(e['code'] ?? e['Code']),
    message: str(e['Message'] ?? e['message']),
    detail: str(e['Detail'] ?? e['detail']),
    element: str(e['element'] ?? e['Element']) || undefined,
  }));
  return { type: str(fault['type'] ?? fault['Type']), errors };
}

/** The XML fault (`<Fault type=..><Error code=..><Message>..</Message><Detail>..</Detail>`): throttling has come back as XML even when JSON was asked for. */
export function extractXmlFault(text: string): { type?: string; errors: QboFaultDetail[] } | undefined {
  const fault = /<Fault\b([^>]*)>([\s\S]*?)<\/Fault>/i.exec(text);
  if (!fault) return undefined;
  const type = /type="([^"]*)"/i.exec(fault[1])?.[1];
  const errors: QboFaultDetail[] = [];
  const errorRe = /<Error\b([^>]*)>([\s\S]*?)<\/Error>/gi;
  for (let m = errorRe.exec(fault[2]); m; m = errorRe.exec(fault[2])) {
    const [, attrs, inner] = m;
    const attr = (name: string) => new RegExp(`${name}="([^"]*)"`, 'i').exec(attrs)?.[1];
    const child = (name: string) => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'i').exec(inner)?.[1];
    errors.push({ code: attr('code'), message: child('Message'), detail: child('Detail'), element: attr('element') || undefined });
  }
  return { type, errors };
}

/** Builds the right error class for one QuickBooks fault entry. The one place codes are interpreted. */
export function errorForFault(httpStatus: number, fault: QboFaultDetail | undefined, init: QboErrorInit): QboError {
  const code = fault?.code?.replace(/^0+(?=\d)/, ''); // 401 bodies spell it "003200" inside the message
  const full: QboErrorInit = {
    ...init,
    code: code ?? init.code,
    qboMessage: fault?.message ?? init.qboMessage,
    detail: fault?.detail ?? init.detail,
    element: fault?.element ?? init.element,
    httpStatus,
  };
  switch (code) {
    case '3001':
      return new QboRateLimitedError(full);
    case '3200':
      return new QboAuthenticationError(full);
    case '3100':
    case '120':
      return new QboAuthorizationError(full);
    case '5010':
      return new QboStaleObjectError(full);
    case '6240':
      return new QboDuplicateNameError(full);
    case '6140':
      return new QboDuplicateDocNumberError(full);
    case '6210':
      return new QboClosedPeriodError(full);
    case '610':
    case '2500':
      return new QboInvalidReferenceError(full);
    case '10000':
      return new QboServerError(full);
  }
  if (httpStatus === 429) return new QboRateLimitedError(full);
  if (httpStatus >= 500) return new QboServerError(full);
  if (init.faultType === 'SystemFault' && httpStatus >= 400) return new QboServerError(full);
  if (httpStatus === 401) return new QboAuthenticationError(full);
  if (httpStatus === 403) return new QboAuthorizationError(full);
  if (httpStatus === 404 && !code) return new QboNotFoundError(full);
  return new QboValidationError(full);
}

export interface HttpFailure {
  status: number;
  headers: Headers;
  /** Raw body text; parsed here by content type (JSON or the XML fault). */
  body: string;
  realmId?: string;
  nowMs: number;
}

/**
 * Maps a non-2xx QuickBooks response to a typed error. Accepts `Fault/Error/Message` and the 401's
 * `fault/error/message`, JSON or XML, and bodies that are neither (a proxy's HTML page).
 */
export function mapHttpError(res: HttpFailure): QboError {
  const contentType = header(res.headers, 'content-type') ?? '';
  let parsed: unknown;
  if (!/xml/i.test(contentType) && res.body.trim().startsWith('{')) {
    try {
      parsed = parseQboJson(res.body);
    } catch {
      parsed = undefined;
    }
  }
  const fault = extractFault(parsed) ?? extractXmlFault(res.body);
  const init: QboErrorInit = {
    intuitTid: header(res.headers, 'intuit_tid'),
    retryAfterMs: parseRetryAfterMs(header(res.headers, 'retry-after'), res.nowMs),
    realmId: res.realmId,
    faultType: fault?.type,
    faults: fault?.errors,
  };
  if (!fault && parsed && typeof parsed === 'object' && 'error' in parsed) {
    // OAuth-style body ({"error":"invalid_token","error_description":...}) on an API path.
    const o = parsed as Record<string, unknown>;
    init.qboMessage = str(o['error']);
    init.detail = str(o['error_description']);
  }
  return errorForFault(res.status, fault?.errors[0], init);
}

/** Per-item fault inside a 200 batch response; same mapping as a whole response (3001 here is throttling too). */
export function mapBatchItemFault(fault: unknown, ctx: { realmId?: string; intuitTid?: string }): QboError {
  const f = extractFault({ Fault: fault });
  const first = f?.errors[0];
  // A batch item carries no HTTP status of its own: infer one from the fault type so mapping stays in one place.
  const status = f?.type === 'SystemFault' ? 500 : f?.type === 'SERVICE' && first?.code === '3001' ? 429 : 400;
  return errorForFault(status, first, { realmId: ctx.realmId, intuitTid: ctx.intuitTid, faultType: f?.type, faults: f?.errors });
}
