import { ServerResponse } from 'node:http';
import { ENTITY_NAMES, EntityName, EntityRecord } from '../company-store';
import { LimitSettings } from '../config';
import { renderDeleted, renderEntity } from '../entities/entity-operations';
import { readBoolean, readDecimal, readString } from '../entities/fields';
import { PreferencesKind, bookCloseDate, setBookCloseDate } from '../entities/preferences';
import { FaultRuleError, FaultRuleInput } from '../faults';
import { SandboxRequest, readBodyText, sendJson } from '../http/http-io';
import { JsonObject, isJsonObject, parseExactJson } from '../json/exact-json';
import { QboFault } from '../qbo-fault';
import type { SandboxServices } from '../sandbox';
import { isIsoDate } from '../time/company-time';
import { WebhookSettings } from '../webhooks/webhook-dispatcher';
import { QuickBooksUser } from './quickbooks-user';
import { seedCompany } from './seed';

/** A control-surface error: `{ "error": message }` with an HTTP status. */
class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Handler = (ctx: { params: string[]; body: JsonObject; query: URLSearchParams }) => unknown | Promise<unknown>;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

const num = (body: JsonObject, key: string): number | undefined => {
  const d = readDecimal(body, key);
  if (d === undefined) return undefined;
  if (!d.isInteger() || d.isNegative()) throw new ControlError(400, `${key} must be a whole number ≥ 0`);
  return d.toNumber();
};

/** `/__sandbox/…`: JSON endpoints for tests and the demo; never part of the QuickBooks API. See README. */
export class ControlRoutes {
  private readonly routes: Route[] = [];

  constructor(private readonly s: SandboxServices) {
    const r = (method: string, path: string, handler: Handler) =>
      this.routes.push({ method, pattern: new RegExp(`^/__sandbox${path.replace(/:[a-zA-Z]+/g, '([^/]+)')}/?$`), handler });

    r('GET', '/state', () => this.state());
    r('POST', '/reset', () => this.resetAll());
    r('POST', '/clock', ({ body }) => this.clock(body));

    r('GET', '/realms', () => ({ realms: this.s.store.list().map((c) => this.realmSummary(c.realmId)) }));
    r('POST', '/realms', ({ body }) => this.createRealm(body));
    r('GET', '/realms/:realmId', ({ params }) => this.realmSummary(this.realm(params[0]).realmId));
    r('DELETE', '/realms/:realmId', ({ params }) => this.deleteRealm(params[0]));
    r('POST', '/realms/:realmId/reset', ({ params, body }) => this.resetRealm(params[0], body));
    r('PUT', '/realms/:realmId/book-close-date', ({ params, body }) => this.setCloseDate(params[0], body));
    r('PATCH', '/realms/:realmId/preferences', ({ params, body }) => this.patchPreferences(params[0], body));
    r('GET', '/realms/:realmId/stats', ({ params }) => this.stats(params[0]));
    r('GET', '/realms/:realmId/entities/:entity', ({ params, query }) => this.listEntities(params[0], params[1], query));
    r('GET', '/realms/:realmId/entities/:entity/:id', ({ params }) => this.oneEntity(params[0], params[1], params[2]));

    r('GET', '/limits', () => this.s.limiter.globalSettings());
    r('PUT', '/limits', ({ body }) => this.s.limiter.setGlobal(limitPatch(body)));
    r('GET', '/realms/:realmId/limits', ({ params }) => this.s.limiter.settingsFor(this.realm(params[0]).realmId));
    r('PUT', '/realms/:realmId/limits', ({ params, body }) => this.s.limiter.setRealm(this.realm(params[0]).realmId, limitPatch(body)));
    r('DELETE', '/realms/:realmId/limits', ({ params }) => {
      this.s.limiter.clearRealm(params[0]);
      return this.s.limiter.settingsFor(params[0]);
    });

    r('GET', '/faults', () => ({ faults: this.s.faults.list() }));
    r('POST', '/faults', ({ body }) => this.addFault(body, readString(body, 'realmId')));
    r('POST', '/realms/:realmId/faults', ({ params, body }) => this.addFault(body, this.realm(params[0]).realmId));
    r('DELETE', '/faults', ({ query }) => {
      this.s.faults.clear(query.get('realmId') ?? undefined);
      return { faults: this.s.faults.list() };
    });
    r('DELETE', '/faults/:id', ({ params }) => {
      if (!this.s.faults.remove(params[0])) throw new ControlError(404, `no fault rule ${params[0]}`);
      return { removed: params[0] };
    });

    r('POST', '/tokens/expire', ({ body }) => ({ expired: this.s.oauth.expireAccessTokens(readString(body, 'realmId')) }));
    r('POST', '/tokens/revoke', ({ body }) => ({ revoked: this.s.oauth.revokeAll(readString(body, 'realmId')) }));
    r('POST', '/realms/:realmId/tokens', ({ params, body }) => {
      const realm = this.realm(params[0]);
      const scope = readString(body, 'scope');
      return { realmId: realm.realmId, ...this.s.oauth.mint(realm.realmId, scope ? scope.split(/\s+/) : undefined, readBoolean(body, 'includeHardExpiry') ?? false) };
    });
    r('GET', '/oauth', () => this.s.oauth.currentSettings);
    r('PUT', '/oauth', ({ body }) => this.configureOAuth(body));

    r('GET', '/webhooks', () => this.s.webhooks.currentSettings);
    r('PUT', '/webhooks', ({ body }) => this.configureWebhooks(body));
    r('GET', '/webhooks/deliveries', () => ({ deliveries: this.s.webhooks.deliveries() }));
    r('DELETE', '/webhooks/deliveries', () => {
      this.s.webhooks.clearLog();
      return { deliveries: [] };
    });
    r('POST', '/webhooks/flush', async () => {
      await this.s.webhooks.flush();
      return { deliveries: this.s.webhooks.deliveries() };
    });

    const user = (realmId: string) => new QuickBooksUser(this.realm(realmId));
    const rendered = (realmId: string, record: EntityRecord) => ({ [record.type]: this.render(realmId, record) });
    r('POST', '/realms/:realmId/user/payments', ({ params, body }) => rendered(params[0], user(params[0]).receivePayment(body)));
    r('POST', '/realms/:realmId/user/payments/:id/void', ({ params }) => rendered(params[0], user(params[0]).voidPayment(params[1])));
    r('POST', '/realms/:realmId/user/payments/:id/delete', ({ params }) => rendered(params[0], user(params[0]).deletePayment(params[1])));
    r('POST', '/realms/:realmId/user/invoices', ({ params, body }) => rendered(params[0], user(params[0]).createInvoice(body)));
    r('POST', '/realms/:realmId/user/invoices/:id/edit', ({ params, body }) => rendered(params[0], user(params[0]).editInvoice(params[1], body)));
    r('POST', '/realms/:realmId/user/invoices/:id/void', ({ params }) => rendered(params[0], user(params[0]).voidInvoice(params[1])));
    r('POST', '/realms/:realmId/user/invoices/:id/delete', ({ params }) => rendered(params[0], user(params[0]).deleteInvoice(params[1])));
    r('POST', '/realms/:realmId/user/customers', ({ params, body }) => rendered(params[0], user(params[0]).createCustomer(body)));
    r('POST', '/realms/:realmId/user/customers/:id/deactivate', ({ params }) => rendered(params[0], user(params[0]).deactivateCustomer(params[1])));
    r('POST', '/realms/:realmId/user/credit-memos', ({ params, body }) => {
      const { creditMemo, payment } = user(params[0]).createCreditMemo(body);
      return { CreditMemo: this.render(params[0], creditMemo), ...(payment ? { Payment: this.render(params[0], payment) } : {}) };
    });
  }

  async handle(req: SandboxRequest, res: ServerResponse, url: URL): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const route = this.routes.find((rt) => rt.method === method && rt.pattern.test(url.pathname));
    if (!route) {
      const known = this.routes.some((rt) => rt.pattern.test(url.pathname));
      return sendJson(res, known ? 405 : 404, { error: `${method} ${url.pathname} is not a control endpoint` });
    }
    const params = (route.pattern.exec(url.pathname) ?? []).slice(1).map(decodeURIComponent);
    try {
      const text = method === 'GET' || method === 'DELETE' ? '' : await readBodyText(req);
      let body: JsonObject = {};
      if (text.trim()) {
        const parsed = parseExactJson(text);
        if (!isJsonObject(parsed)) throw new ControlError(400, 'the body must be a JSON object');
        body = parsed;
      }
      const result = await route.handler({ params, body, query: url.searchParams });
      this.flushChanges();
      sendJson(res, 200, result ?? {});
    } catch (e) {
      this.flushChanges();
      if (e instanceof QboFault) return sendJson(res, e.status, { Fault: e.toFaultBody() });
      if (e instanceof ControlError) return sendJson(res, e.status, { error: e.message });
      if (e instanceof FaultRuleError || e instanceof SyntaxError) return sendJson(res, 400, { error: e.message });
      throw e;
    }
  }

  /** Changes made through the control surface (user actions) notify like any other change. */
  private flushChanges(): void {
    for (const company of this.s.store.list()) this.s.webhooks.enqueue(company.drainChanges());
  }

  private realm(realmId: string) {
    const company = this.s.store.get(realmId);
    if (!company) throw new ControlError(404, `no realm ${realmId}`);
    return company;
  }

  private render(realmId: string, record: EntityRecord): JsonObject {
    return record.state === 'deleted' ? renderDeleted(record, true) : renderEntity(this.realm(realmId), record);
  }

  private state() {
    return {
      realms: this.s.store.list().map((c) => c.realmId),
      defaultRealmId: this.s.config.defaultRealmId,
      limits: this.s.limiter.globalSettings(),
      webhooks: this.s.webhooks.currentSettings,
      oauth: this.s.oauth.currentSettings,
      clockOffsetMs: this.s.clock.currentOffsetMs,
      faults: this.s.faults.list(),
    };
  }

  private resetAll() {
    this.s.store.clear();
    this.s.oauth.reset();
    this.s.faults.clear();
    this.s.limiter.reset();
    this.s.limiter.setGlobal(this.s.config.limits);
    this.s.requestIds.clear();
    this.s.webhooks.discardPending();
    this.s.webhooks.clearLog();
    this.s.webhooks.configure(this.s.config.webhooks);
    this.s.oauth.configure(this.s.config.oauth);
    this.s.clock.reset();
    this.s.store.create(this.s.config.defaultRealmId);
    return this.state();
  }

  private clock(body: JsonObject) {
    if (readBoolean(body, 'reset')) this.s.clock.reset();
    const seconds = readDecimal(body, 'advanceSeconds');
    if (seconds !== undefined) this.s.clock.advance(seconds.times(1000).round().toNumber());
    return { offsetMs: this.s.clock.currentOffsetMs, now: new Date(this.s.clock.now()).toISOString() };
  }

  private createRealm(body: JsonObject) {
    const realmId = readString(body, 'realmId') ?? String(9_130_000_000_000_000 + Math.floor(Math.random() * 1_000_000_000_000));
    if (!/^\d{1,20}$/.test(realmId)) throw new ControlError(400, 'realmId must be digits');
    if (this.s.store.get(realmId) && !readBoolean(body, 'replace')) throw new ControlError(409, `realm ${realmId} exists (send "replace": true)`);
    const timeZone = readString(body, 'timeZone');
    if (timeZone) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone });
      } catch {
        throw new ControlError(400, `unknown time zone ${timeZone}`);
      }
    }
    this.s.requestIds.clear(realmId);
    const company = this.s.store.create(realmId, { companyName: readString(body, 'companyName'), timeZone });
    const asOf = readString(body, 'asOf') ?? company.today();
    if (!isIsoDate(asOf)) throw new ControlError(400, 'asOf must be YYYY-MM-DD');
    const seeded = seedCompany(company, {
      seed: num(body, 'seed') ?? 1,
      customers: num(body, 'customers') ?? 0,
      items: num(body, 'items') ?? 0,
      invoices: num(body, 'invoices') ?? 0,
      payments: num(body, 'payments') ?? 0,
      asOf,
      spreadDays: num(body, 'spreadDays') ?? 120,
    });
    return { ...this.realmSummary(realmId), created: seeded };
  }

  private deleteRealm(realmId: string) {
    if (!this.s.store.delete(realmId)) throw new ControlError(404, `no realm ${realmId}`);
    this.s.requestIds.clear(realmId);
    this.s.limiter.clearRealm(realmId);
    this.s.faults.clear(realmId);
    return { deleted: realmId };
  }

  private resetRealm(realmId: string, body: JsonObject) {
    const existing = this.realm(realmId);
    this.s.requestIds.clear(realmId);
    this.s.limiter.clearRealm(realmId);
    this.s.faults.clear(realmId);
    const name = existing.get('CompanyInfo', '1')?.data['CompanyName'];
    this.s.store.create(realmId, { companyName: readString(body, 'companyName') ?? (typeof name === 'string' ? name : undefined), timeZone: existing.timeZone });
    return this.realmSummary(realmId);
  }

  private setCloseDate(realmId: string, body: JsonObject) {
    const company = this.realm(realmId);
    const date = body['date'];
    if (date !== null && !(typeof date === 'string' && isIsoDate(date))) throw new ControlError(400, 'date must be YYYY-MM-DD or null');
    setBookCloseDate(company, date);
    return { realmId, bookCloseDate: bookCloseDate(company) ?? null };
  }

  private patchPreferences(realmId: string, body: JsonObject) {
    const company = this.realm(realmId);
    const record = company.get('Preferences', '1');
    if (!record) throw new ControlError(404, 'no preferences');
    const data = PreferencesKind.prepare({ company, now: company.now(), include: new Set(), actor: 'user' }, body, record);
    company.replace(record, data, company.now());
    company.recordChange(record, 'Update', company.now());
    return { Preferences: renderEntity(company, record) };
  }

  private stats(realmId: string) {
    const company = this.realm(realmId);
    const s = company.stats;
    const writes = Object.fromEntries(s.writes);
    const totalWrites = [...s.writes.values()].reduce((a, b) => a + b, 0);
    return {
      realmId,
      requests: s.requests,
      throttled: s.throttled,
      injectedFaults: s.injectedFaults,
      replays: s.replays,
      droppedResponses: s.droppedResponses,
      inFlight: this.s.limiter.inFlight(realmId),
      totalWrites,
      writes,
    };
  }

  private listEntities(realmId: string, entityParam: string, query: URLSearchParams) {
    const company = this.realm(realmId);
    const entity = entityName(entityParam);
    const states = query.get('state')?.split(',');
    const items = [...company.table(entity).values()]
      .filter((r) => !states || states.includes(r.state))
      .map((r) => ({ state: r.state, active: r.data['Active'] !== false, object: this.render(realmId, r) }));
    return { realmId, entity, count: items.length, items };
  }

  private oneEntity(realmId: string, entityParam: string, id: string) {
    const company = this.realm(realmId);
    const record = company.get(entityName(entityParam), id);
    if (!record) throw new ControlError(404, `no ${entityParam} ${id}`);
    return { state: record.state, active: record.data['Active'] !== false, object: this.render(realmId, record) };
  }

  private realmSummary(realmId: string) {
    const company = this.realm(realmId);
    const counts: Record<string, number> = {};
    for (const e of ENTITY_NAMES) counts[e] = company.count(e);
    const name = company.get('CompanyInfo', '1')?.data['CompanyName'];
    return {
      realmId,
      companyName: typeof name === 'string' ? name : '',
      timeZone: company.timeZone,
      bookCloseDate: bookCloseDate(company) ?? null,
      connected: this.s.oauth.isConnected(realmId),
      counts,
      limits: this.s.limiter.settingsFor(realmId),
    };
  }

  private addFault(body: JsonObject, realmId: string | undefined) {
    const input: FaultRuleInput = { kind: readString(body, 'kind') as FaultRuleInput['kind'] };
    if (realmId) input.realmId = realmId;
    for (const key of ['status', 'count', 'durationMs', 'latencyMs', 'jitterMs', 'seed'] as const) {
      const v = num(body, key);
      if (v !== undefined) input[key] = v;
    }
    const rate = readDecimal(body, 'rate');
    if (rate !== undefined) input.rate = rate.toNumber(); // a probability, not money
    const method = readString(body, 'method');
    if (method) input.method = method;
    const pathContains = readString(body, 'pathContains');
    if (pathContains) input.pathContains = pathContains;
    return this.s.faults.add(input);
  }

  private configureOAuth(body: JsonObject) {
    const patch: Partial<SandboxServices['config']['oauth']> = {};
    for (const key of ['accessTokenTtlSeconds', 'refreshTokenTtlSeconds', 'refreshRotationSeconds', 'refreshGraceSeconds', 'refreshHardTtlSeconds', 'authCodeTtlSeconds'] as const) {
      const v = num(body, key);
      if (v !== undefined) patch[key] = v;
    }
    this.s.oauth.configure(patch);
    return this.s.oauth.currentSettings;
  }

  private configureWebhooks(body: JsonObject) {
    const patch: Partial<WebhookSettings> = {};
    if ('url' in body) {
      const url = body['url'];
      if (url !== null && !(typeof url === 'string' && URL.canParse(url))) throw new ControlError(400, 'url must be a URL or null');
      patch.url = url ?? undefined;
    }
    const token = readString(body, 'verifierToken');
    if (token !== undefined) patch.verifierToken = token;
    const format = readString(body, 'format');
    if (format !== undefined) {
      if (format !== 'legacy' && format !== 'cloudevents') throw new ControlError(400, 'format must be legacy or cloudevents');
      patch.format = format;
    }
    for (const key of ['batchWindowMs', 'maxAttempts', 'timeoutMs'] as const) {
      const v = num(body, key);
      if (v !== undefined) patch[key] = v;
    }
    const only = readBoolean(body, 'onlyConnectedRealms');
    if (only !== undefined) patch.onlyConnectedRealms = only;
    const schedule = body['retryScheduleMs'];
    if (schedule !== undefined) {
      if (!Array.isArray(schedule) || schedule.length === 0) throw new ControlError(400, 'retryScheduleMs must be a non-empty array');
      patch.retryScheduleMs = schedule.map((_, i) => num({ v: schedule[i] }, 'v') ?? 0);
    }
    this.s.webhooks.configure(patch);
    return this.s.webhooks.currentSettings;
  }
}

function entityName(param: string): EntityName {
  const name = ENTITY_NAMES.find((e) => e.toLowerCase() === param.toLowerCase().replace(/-/g, ''));
  if (!name) throw new ControlError(404, `unknown entity ${param}`);
  return name;
}

function limitPatch(body: JsonObject): Partial<LimitSettings> {
  const patch: Partial<LimitSettings> = {};
  for (const key of ['requestsPerMinute', 'maxInFlight', 'requestsPerSecond', 'batchPerMinute', 'batchMaxItems'] as const) {
    const v = num(body, key);
    if (v !== undefined) patch[key] = v;
  }
  for (const key of ['enabled', 'batchCountsItems'] as const) {
    const v = readBoolean(body, key);
    if (v !== undefined) patch[key] = v;
  }
  return patch;
}
