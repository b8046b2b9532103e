import { ConfigFields, loadConfig } from '@arbiter/runtime';
import { z } from 'zod';
import { parseCron } from './schedule/cron';

const schemaName = () => z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier');

export const ReconConfigSchema = z.object({
  PORT: ConfigFields.port(3002),
  DATABASE_URL: ConfigFields.databaseUrl(),
  DATABASE_SCHEMA: schemaName().default('recon'),
  /** Where the sync-service keeps the source ledger, links and QuickBooks tokens this service reads (read-only). */
  SYNC_DATABASE_SCHEMA: schemaName().default('sync'),
  KAFKA_BROKERS: ConfigFields.kafkaBrokers(),
  /** When set, every internal API call must carry it as a bearer token: the gateway's INTERNAL_API_TOKEN (the sync-service checks the same). */
  INTERNAL_API_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  QBO_API_BASE_URL: ConfigFields.url().default('https://quickbooks.api.intuit.com'),
  // Extension of CONTRACT.md §4: recon reads QuickBooks with the tokens the sync-service stored, so it needs the
  // same key and OAuth client to open and refresh them.
  QBO_OAUTH_BASE_URL: ConfigFields.url().optional(),
  QBO_CLIENT_ID: z.string({ error: 'is required' }).min(1, 'is required'),
  QBO_CLIENT_SECRET: z.string({ error: 'is required' }).min(1, 'is required'),
  QBO_REDIRECT_URI: ConfigFields.url().optional(),
  TOKEN_ENCRYPTION_KEY: ConfigFields.tokenEncryptionKey(),
  /** QuickBooks' per-realm ceiling; the budget is shared with the sync-service through PostgreSQL. */
  QBO_REQUESTS_PER_MINUTE: ConfigFields.positiveInt(500),
  QBO_MAX_IN_FLIGHT: ConfigFields.positiveInt(10),
  /** Cron (UTC, 5 fields) for scheduled runs of every connected tenant; daily at 02:00 by default. */
  RECON_SCHEDULE: z
    .string()
    .default('0 2 * * *')
    .superRefine((expression, ctx) => {
      try {
        parseCron(expression);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
  /** What a scheduled run is "as of": the day before it fires, or the last day of the previous month. */
  RECON_SCHEDULE_AS_OF: z.enum(['previous_day', 'previous_month_end']).default('previous_day'),
  /** Largest per-document difference not flagged, as a decimal string in the run's currency (default zero). */
  RECON_TOLERANCE: z
    .string()
    .regex(/^\d{1,15}(\.\d{1,4})?$/, 'must be a non-negative decimal string such as "0" or "0.01"')
    .default('0'),
  /** Runs executed at once by this replica (each holds one PostgreSQL connection for its lock). */
  RECON_CONCURRENCY: ConfigFields.positiveInt(2),
  RECON_POLL_INTERVAL_MS: ConfigFields.positiveInt(1_000),
  /** A transient failure (QuickBooks 429/5xx, network) is retried this many times, with backoff, before the run fails. */
  RECON_MAX_ATTEMPTS: ConfigFields.positiveInt(5),
  /** First retry delay; each next one doubles, up to 5 minutes. */
  RECON_RETRY_BASE_MS: ConfigFields.positiveInt(5_000),
  LOG_LEVEL: ConfigFields.logLevel(),
});
export type ReconConfig = z.infer<typeof ReconConfigSchema>;
export const RECON_CONFIG = Symbol('RECON_CONFIG');

export const loadReconConfig = (env: NodeJS.ProcessEnv = process.env): ReconConfig => loadConfig('recon-service', ReconConfigSchema, env);
