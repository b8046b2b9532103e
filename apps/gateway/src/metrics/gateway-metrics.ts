import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ApiKeys } from '../api-keys/api-keys';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { RECON_SERVICE, type ServiceClient, SYNC_SERVICE } from '../upstream/service-client';

/** Pages of 500 counted per tenant at most; beyond that the gauge reads 5,000 (and says so in its help). */
const MAX_PROBLEM_PAGES = 10;
const GAUGE_ACTOR = { keyId: 'gateway-metrics', role: 'auditor' };

type Page = { items?: unknown[]; nextCursor?: string | null };
type Run = { state?: string; status?: string; finishedAt?: string | null; startedAt?: string | null };

/**
 * The gateway's Prometheus metrics, in its own registry (several apps can live in one test process).
 * Request rate and latency by route template and status; per-tenant gauges filled from the services at
 * scrape time (cached). QuickBooks call and 429 counters belong to the services that make those calls.
 */
@Injectable()
export class GatewayMetrics implements OnModuleDestroy {
  private readonly logger = new Logger(GatewayMetrics.name);
  readonly registry = new Registry();
  private refreshedAt = 0;
  private refreshing: Promise<void> | null = null;

  readonly requests = new Counter({
    name: 'arbiter_gateway_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly latency = new Histogram({
    name: 'arbiter_gateway_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly webhooks = new Counter({
    name: 'arbiter_gateway_webhooks_total',
    help: 'QuickBooks webhook deliveries, by outcome (accepted = signature verified and recorded)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly openProblems = new Gauge({
    name: 'arbiter_open_problems',
    help: `Open Problem Sync items per tenant, as the sync-service reports them (counted up to ${MAX_PROBLEM_PAGES * 500})`,
    labelNames: ['tenant'] as const,
    registers: [this.registry],
  });

  readonly lastReconciliation = new Gauge({
    name: 'arbiter_last_reconciliation_timestamp_seconds',
    help: 'When the latest reconciliation run of the tenant finished (or started, while running), Unix seconds',
    labelNames: ['tenant'] as const,
    registers: [this.registry],
  });

  readonly lastReconciliationInSync = new Gauge({
    name: 'arbiter_last_reconciliation_in_sync',
    help: 'Latest completed reconciliation run of the tenant: 1 in sync, 0 out of sync',
    labelNames: ['tenant'] as const,
    registers: [this.registry],
  });

  constructor(
    private readonly keys: ApiKeys,
    @Inject(SYNC_SERVICE) private readonly sync: ServiceClient,
    @Inject(RECON_SERVICE) private readonly recon: ServiceClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'arbiter_gateway_' });
  }

  /** Express middleware: times every request and labels it with the matched route template (not the raw path). */
  middleware(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        const route = req.route?.path ? `${req.baseUrl ?? ''}${String(req.route.path)}` : 'unmatched';
        const labels = { method: req.method, route, status: String(res.statusCode) };
        this.requests.inc(labels);
        this.latency.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      });
      next();
    };
  }

  async render(): Promise<{ contentType: string; body: string }> {
    await this.refreshTenantGauges();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }

  /** At most once per METRICS_REFRESH_MS; concurrent scrapes share one refresh; a slow service does not fail the scrape. */
  private async refreshTenantGauges(): Promise<void> {
    if (Date.now() - this.refreshedAt < this.config.METRICS_REFRESH_MS) return;
    this.refreshing ??= (async () => {
      try {
        const tenants = await this.keys.activeTenants();
        for (const tenantId of tenants) await Promise.all([this.countOpenProblems(tenantId), this.readLastRun(tenantId)]);
        this.refreshedAt = Date.now();
      } catch (error) {
        this.logger.warn(`tenant gauges not refreshed error=${(error as Error).message}`);
      } finally {
        this.refreshing = null;
      }
    })();
    await this.refreshing;
  }

  private async countOpenProblems(tenantId: string): Promise<void> {
    try {
      let count = 0;
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PROBLEM_PAGES; page++) {
        const answer = await this.sync.json<Page>({ method: 'GET', tenantId, path: ['problems'], query: { status: 'open', limit: 500, cursor }, actor: GAUGE_ACTOR });
        count += answer.items?.length ?? 0;
        if (!answer.nextCursor) break;
        cursor = answer.nextCursor;
      }
      this.openProblems.set({ tenant: tenantId }, count);
    } catch {
      this.openProblems.remove({ tenant: tenantId }); // unknown rather than stale
    }
  }

  private async readLastRun(tenantId: string): Promise<void> {
    try {
      const answer = await this.recon.json<{ items?: Run[] }>({ method: 'GET', tenantId, path: ['reconciliations'], query: { limit: 1 }, actor: GAUGE_ACTOR });
      const run = answer.items?.[0];
      if (!run) return;
      const at = Date.parse(run.finishedAt ?? run.startedAt ?? '');
      if (Number.isFinite(at)) this.lastReconciliation.set({ tenant: tenantId }, at / 1000);
      if (run.status === 'in_sync' || run.status === 'out_of_sync') this.lastReconciliationInSync.set({ tenant: tenantId }, run.status === 'in_sync' ? 1 : 0);
    } catch {
      this.lastReconciliation.remove({ tenant: tenantId });
      this.lastReconciliationInSync.remove({ tenant: tenantId });
    }
  }
}
