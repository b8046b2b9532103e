import { ConfigFields, loadConfig } from '@arbiter/runtime';
import { z } from 'zod';

export const ReconConfigSchema = z.object({
  PORT: ConfigFields.port(3002),
  DATABASE_URL: ConfigFields.databaseUrl(),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('recon'),
  /** Where the sync-service keeps the source ledger this service reads (read-only). */
  SYNC_DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('sync'),
  KAFKA_BROKERS: ConfigFields.kafkaBrokers(),
  QBO_API_BASE_URL: ConfigFields.url().default('https://quickbooks.api.intuit.com'),
  /** Cron (UTC) for the scheduled month-end runs; daily at 02:00 by default. */
  RECON_SCHEDULE: z
    .string()
    .default('0 2 * * *')
    .refine((s) => s.trim().split(/\s+/).length === 5, 'must be a 5-field cron expression'),
  LOG_LEVEL: ConfigFields.logLevel(),
});
export type ReconConfig = z.infer<typeof ReconConfigSchema>;

export const loadReconConfig = (env: NodeJS.ProcessEnv = process.env): ReconConfig => loadConfig('recon-service', ReconConfigSchema, env);
