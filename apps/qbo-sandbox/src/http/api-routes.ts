import { Logger } from '@nestjs/common';
import { ServerResponse } from 'node:http';
import { batchItems, runBatch } from '../batch/batch';
import { runChangeDataCapture } from '../cdc/change-data-capture';
import { Company, EntityName } from '../company-store';
import { WriteContext } from '../entities/entity-kind';
import {
  ENTITY_BY_PATH,
  createEntity,
  deleteEntity,
  readEntity,
  renderDeleted,
  renderEntity,
  updateEntity,
  voidEntity,
} from '../entities/entity-operations';
import { readString } from '../entities/fields';
import { invoicePdf } from '../entities/invoice-pdf';
import { markInvoiceSent } from '../entities/sales-form';
import { RequestIdCache } from '../idempotency';
import { JsonObject, JsonValue, isJsonObject, parseExactJson, stringifyExactJson } from '../json/exact-json';
import { ACCOUNTING_SCOPE } from '../oauth/oauth-server';
import { Faults, QboFault } from '../qbo-fault';
import { runQuery } from '../query/query-executor';
import { agedReceivableDetail } from '../reports/aged-receivable-detail';
import { agedReceivables } from '../reports/aged-receivables';
import { agingParams } from '../reports/aging';
import type { SandboxServices } from '../sandbox';
import { BodyTooLargeError, SandboxRequest, intuitTid, readBodyText, sendJson, sendText, sleep } from './http-io';

interface Reply {
  status: number;
  body: string | Buffer;
  contentType: string;
}

const JSON_TYPE = 'application/json;charset=UTF-8';
/** requestid length limits (reference §1.4). */
const MAX_REQUEST_ID = 50;
const MAX_BATCH_REQUEST_ID = 36;

/**
 * The QuickBooks Online API under `/v3/company/{realmId}/…`. Order per request: authenticate
 * (401/3200), authorize the realm (403/3100), throttle (429/3001), injected latency and failures,
 * requestid replay, then the operation — synchronous against the in-memory company, so a write
 * and its requestid record commit together — then webhooks, then the (possibly dropped) reply.
 */
export class ApiRoutes {
  private readonly logger = new Logger(ApiRoutes.name);

  constructor(private readonly s: SandboxServices) {}

  async handle(req: SandboxRequest, res: ServerResponse, url: URL): Promise<void> {
    const m = /^\/v3\/company\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (!m) return this.reply(res, this.faultReply(undefined, Faults.unsupportedOperation(url.pathname), 404));
    const realmId = decodeURIComponent(m[1]);
    const rest = m[2] ?? '/';
    const method = (req.method ?? 'GET').toUpperCase();

    const auth = this.s.oauth.authenticate(req.headers['authorization']);
    if (!auth.ok) return this.sendAuthenticationFault(res, auth.reason, auth.presented);
    const company = this.s.store.get(realmId);
    if (auth.token.realmId !== realmId || !company || !auth.token.scopes.includes(ACCOUNTING_SCOPE)) {
      return this.reply(res, this.faultReply(company, Faults.applicationAuthorization()));
    }
    company.stats.requests += 1;

    let bodyText: string;
    try {
      bodyText = method === 'GET' ? '' : await readBodyText(req);
    } catch (e) {
      if (e instanceof BodyTooLargeError) return this.reply(res, this.faultReply(company, Faults.malformedBody(e.message), 413));
      throw e;
    }

    const isBatch = method === 'POST' && rest === '/batch';
    let parsedBody: JsonValue | undefined;
    let units = 1;
    if (isBatch) {
      parsedBody = tryParse(bodyText);
      const items = isJsonObject(parsedBody) ? parsedBody['BatchItemRequest'] : undefined;
      if (this.s.limiter.settingsFor(realmId).batchCountsItems && Array.isArray(items)) units = Math.max(1, items.length);
    }
    const release = this.s.limiter.tryAcquire(realmId, { units, batch: isBatch });
    if (!release) {
      company.stats.throttled += 1;
      return this.reply(res, this.faultReply(company, Faults.throttled()));
    }
    res.once('close', release);

    const faultRequest = { realmId, method, path: rest };
    const delayMs = this.s.faults.latencyFor(faultRequest);
    if (delayMs > 0) await sleep(delayMs);
    const injected = this.s.faults.failureFor(faultRequest);
    if (injected) {
      company.stats.injectedFaults += 1;
      if (injected.kind === 'throttle') return this.reply(res, this.faultReply(company, Faults.throttled()));
      return this.reply(res, this.injectedStatus(company, injected.status));
    }

    const requestId = url.searchParams.get('requestid') ?? undefined;
    let fingerprint = '';
    if (requestId !== undefined) {
      const max = isBatch ? MAX_BATCH_REQUEST_ID : MAX_REQUEST_ID;
      if (requestId.length === 0 || requestId.length > max) {
        return this.reply(res, this.faultReply(company, Faults.stringLength('requestid', max, requestId.length)));
      }
      fingerprint = RequestIdCache.fingerprint(method, rest, url.searchParams, bodyText);
      const seen = this.s.requestIds.lookup(realmId, requestId, fingerprint);
      if (seen?.kind === 'replay') {
        company.stats.replays += 1;
        return this.reply(res, seen.response);
      }
      if (seen?.kind === 'conflict') return this.reply(res, this.faultReply(company, Faults.requestIdReused(requestId)));
    }

    let reply: Reply;
    try {
      reply = this.dispatch(company, method, rest, url, bodyText, parsedBody, req.headers['content-type'], requestId);
    } catch (e) {
      this.logger.error(`request failed realmId=${realmId} ${method} ${rest} error=${e instanceof Error ? e.stack : String(e)}`);
      reply = this.faultReply(company, Faults.system());
    }
    const committed = reply.status < 500;
    if (requestId !== undefined && committed) {
      this.s.requestIds.store(realmId, requestId, fingerprint, { status: reply.status, body: reply.body, contentType: reply.contentType });
    }
    this.s.webhooks.enqueue(company.drainChanges());

    const isWrite = method === 'POST' && rest !== '/query';
    if (isWrite && reply.status === 200 && this.s.faults.shouldDrop(faultRequest)) {
      // The write is committed (and its requestid recorded); the client never hears back.
      company.stats.droppedResponses += 1;
      req.socket.destroy();
      return;
    }
    this.reply(res, reply);
  }

  private dispatch(
    company: Company,
    method: string,
    rest: string,
    url: URL,
    bodyText: string,
    preParsed: JsonValue | undefined,
    contentType: string | undefined,
    requestId: string | undefined,
  ): Reply {
    const segments = rest.split('/').filter(Boolean).map(decodeURIComponent);
    const include = new Set(
      url.searchParams
        .getAll('include')
        .flatMap((v) => v.split(','))
        .map((v) => v.trim().toLowerCase())
        .filter(Boolean),
    );
    const ctx: WriteContext = { company, now: company.now(), include, actor: 'api' };
    const ok = (body: Record<string, unknown>): Reply => this.jsonReply(company, 200, body);
    const body = (): JsonObject => {
      const parsed = preParsed ?? parseBody(bodyText, contentType);
      if (!isJsonObject(parsed)) throw Faults.malformedBody('the request body must be a JSON object');
      return parsed;
    };

    try {
      const [head, second, third] = segments;
      if (head === 'query' && segments.length === 1) {
        const text = method === 'GET' ? url.searchParams.get('query') : bodyText;
        if (!text || !text.trim()) throw Faults.requiredParam('query');
        return ok({ QueryResponse: runQuery(company, text) });
      }
      if (head === 'cdc' && segments.length === 1 && method === 'GET') {
        return ok(runChangeDataCapture(company, url.searchParams.get('entities'), url.searchParams.get('changedSince')));
      }
      if (head === 'batch' && segments.length === 1 && method === 'POST') {
        const items = batchItems(body(), { maxItems: this.s.limiter.settingsFor(company.realmId).batchMaxItems, requestId });
        return ok(runBatch(company, items, { maxItems: items.length, include, requestId, actor: 'api', now: ctx.now }));
      }
      if (head === 'reports' && segments.length === 2 && method === 'GET') {
        const params = agingParams(company, url.searchParams);
        if (second === 'AgedReceivables') return ok(agedReceivables(company, params));
        if (second === 'AgedReceivableDetail') return ok(agedReceivableDetail(company, params, url.searchParams.get('columns')));
        throw Faults.unsupportedOperation(`report ${second}`);
      }
      if (head === 'companyinfo' && method === 'GET' && segments.length === 2) {
        if (second !== company.realmId) throw Faults.objectNotFound();
        return ok({ CompanyInfo: renderEntity(company, readEntity(company, 'CompanyInfo', '1')) });
      }
      if (head === 'preferences' && method === 'GET' && segments.length === 1) {
        return ok({ Preferences: renderEntity(company, readEntity(company, 'Preferences', '1')) });
      }

      const entity: EntityName | undefined = head ? ENTITY_BY_PATH[head] : undefined;
      if (!entity) throw Faults.unsupportedOperation(`${method} ${rest}`);
      if (method === 'GET' && segments.length === 2) return ok({ [entity]: renderEntity(company, readEntity(company, entity, second)) });
      if (entity === 'Invoice' && segments.length === 3 && second) {
        if (method === 'GET' && third === 'pdf') {
          const invoice = readEntity(company, 'Invoice', second);
          return { status: 200, body: invoicePdf(company, invoice), contentType: 'application/pdf' };
        }
        if (method === 'POST' && third === 'send') {
          const invoice = readEntity(company, 'Invoice', second);
          markInvoiceSent(ctx, invoice, url.searchParams.get('sendTo') ?? undefined);
          return ok({ Invoice: renderEntity(company, invoice) });
        }
      }
      if (method !== 'POST' || segments.length !== 1) throw Faults.unsupportedOperation(`${method} ${rest}`);

      const input = body();
      const operation = (url.searchParams.get('operation') ?? '').toLowerCase();
      switch (operation) {
        case '':
          if (entity !== 'Preferences' && entity !== 'CompanyInfo' && readString(input, 'Id') === undefined) {
            return ok({ [entity]: renderEntity(company, createEntity(ctx, entity, input)) });
          }
          return ok({ [entity]: renderEntity(company, updateEntity(ctx, entity, input)) });
        case 'update':
          if (entity === 'Payment' && include.has('void')) return ok({ [entity]: renderEntity(company, voidEntity(ctx, entity, input)) });
          return ok({ [entity]: renderEntity(company, updateEntity(ctx, entity, input)) });
        case 'delete':
          return ok({ [entity]: renderDeleted(deleteEntity(ctx, entity, input), false) });
        case 'void':
          return ok({ [entity]: renderEntity(company, voidEntity(ctx, entity, input)) });
        default:
          throw Faults.invalidEnumeration('operation', operation);
      }
    } catch (e) {
      if (e instanceof QboFault) return this.faultReply(company, e);
      throw e;
    }
  }

  private jsonReply(company: Company, status: number, body: Record<string, unknown>): Reply {
    return { status, body: stringifyExactJson({ ...body, time: company.formatTime(company.now(), true) }), contentType: JSON_TYPE };
  }

  private faultReply(company: Company | undefined, fault: QboFault, status = fault.status): Reply {
    const time = company ? company.formatTime(company.now(), true) : new Date().toISOString();
    return { status, body: stringifyExactJson({ Fault: fault.toFaultBody(), time }), contentType: JSON_TYPE };
  }

  /** 500 is a SystemFault in JSON; 502/503/504 come from Intuit's gateways as HTML, not JSON. */
  private injectedStatus(company: Company, status: number): Reply {
    if (status === 500) return this.faultReply(company, Faults.system());
    const text = `<html><head><title>${status}</title></head><body><h1>${status}</h1><p>Injected by qbo-sandbox.</p></body></html>`;
    return { status, body: text, contentType: 'text/html' };
  }

  private reply(res: ServerResponse, reply: Reply): void {
    sendText(res, reply.status, reply.body, reply.contentType, { intuit_tid: intuitTid() });
  }

  /**
   * 401 in the lower-case shape Intuit actually sends for bad tokens (reference §7.1), with
   * `www-authenticate` and an epoch-ms `time`.
   */
  private sendAuthenticationFault(res: ServerResponse, reason: 'missing' | 'malformed' | 'expired' | 'invalid', presented?: string): void {
    const detail =
      reason === 'expired'
        ? `Token expired: ${presented?.slice(0, 12) ?? ''}`
        : reason === 'malformed'
          ? 'Malformed bearer token: too short or too long'
          : reason === 'missing'
            ? 'Authorization header is missing'
            : `Token invalid: ${presented?.slice(0, 12) ?? ''}`;
    sendJson(
      res,
      401,
      {
        warnings: null,
        intuitObject: null,
        fault: {
          error: [{ message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', detail, code: '3200', element: null }],
          type: 'AUTHENTICATION',
        },
        report: null,
        queryResponse: null,
        batchItemResponse: [],
        attachableResponse: [],
        syncErrorResponse: null,
        requestId: null,
        time: Date.now(),
        status: null,
        cdcresponse: [],
      },
      { 'www-authenticate': 'Bearer realm="Intuit", error="invalid_token"', intuit_tid: intuitTid() },
    );
  }
}

function tryParse(text: string): JsonValue | undefined {
  try {
    return text.trim() ? parseExactJson(text) : undefined;
  } catch {
    return undefined;
  }
}

/** @throws QboFault 2010 for malformed JSON */
function parseBody(text: string, contentType: string | undefined): JsonValue {
  if (!text.trim()) throw Faults.malformedBody('the request body is empty');
  if (contentType && !/json|text/i.test(contentType)) throw Faults.malformedBody(`unsupported content type ${contentType}`);
  try {
    return parseExactJson(text);
  } catch (e) {
    throw Faults.malformedBody(e instanceof Error ? e.message : String(e));
  }
}
