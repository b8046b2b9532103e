import { ConfigFields, loadConfig } from '@arbiter/runtime';
import { z } from 'zod';

const SchemaName = z.string().regex(/^[a-z_][a-z0-9_]*$/).default('gateway');

export const GatewayConfigSchema = z.object({
  PORT: ConfigFields.port(3000),
  /** Where the HTTP server binds; tests and benchmarks use 127.0.0.1. */
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: ConfigFields.databaseUrl(),
  DATABASE_SCHEMA: SchemaName,
  // Read for CONTRACT.md §4 parity (every service validates it); the gateway talks to the services over HTTP.
  KAFKA_BROKERS: ConfigFields.kafkaBrokers(),
  SYNC_SERVICE_URL: ConfigFields.url().default('http://127.0.0.1:3001'),
  RECON_SERVICE_URL: ConfigFields.url().default('http://127.0.0.1:3002'),
  /** Presented to both services as a bearer token when set (the services' INTERNAL_API_TOKEN). */
  INTERNAL_API_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  /** Per call to a service; a slower answer is a 504 to the caller. */
  SERVICE_TIMEOUT_MS: ConfigFields.positiveInt(10_000),
  QBO_OAUTH_BASE_URL: ConfigFields.url().optional(),
  QBO_CLIENT_ID: z.string({ error: 'is required' }).min(1, 'is required'),
  QBO_CLIENT_SECRET: z.string({ error: 'is required' }).min(1, 'is required'),
  QBO_REDIRECT_URI: ConfigFields.url(),
  QBO_WEBHOOK_VERIFIER_TOKEN: z.string({ error: 'is required' }).min(1, 'is required'),
  // The tokens themselves are sealed by the sync-service; the gateway validates the key for CONTRACT.md §4 parity.
  TOKEN_ENCRYPTION_KEY: ConfigFields.tokenEncryptionKey(),
  /** JSON request bodies above this are refused with 413 before they are read into memory. */
  JSON_BODY_LIMIT_BYTES: ConfigFields.positiveInt(256 * 1024),
  /** Intuit sets no size limit on notifications; a bounded one keeps a flood from filling memory. */
  WEBHOOK_BODY_LIMIT_BYTES: ConfigFields.positiveInt(1024 * 1024),
  /** Requests per API key (or per client address for unauthenticated routes) in a one-minute window. */
  RATE_LIMIT_PER_MINUTE: ConfigFields.positiveInt(600),
  /** How long a resolved API key is trusted without asking PostgreSQL again (0 = always ask). Revocation on this replica is immediate. */
  API_KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  /** Lifetime of an OAuth CSRF state: the time an admin has to finish Intuit's consent page. */
  OAUTH_STATE_TTL_SECONDS: ConfigFields.positiveInt(600),
  /** When set, GET /metrics needs `Authorization: Bearer <token>`; otherwise the network policy fences it. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** How often the per-tenant gauges (open problems, last reconciliation) are refreshed from the services, at most. */
  METRICS_REFRESH_MS: ConfigFields.positiveInt(30_000),
  LOG_LEVEL: ConfigFields.logLevel(),
});
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig => loadConfig('gateway', GatewayConfigSchema, env);

/** The CLI (`main.js api-key …`) needs only the database: it must work before QuickBooks is configured. */
export const GatewayCliConfigSchema = z.object({ DATABASE_URL: ConfigFields.databaseUrl(), DATABASE_SCHEMA: SchemaName });
export type GatewayCliConfig = z.infer<typeof GatewayCliConfigSchema>;
export const loadGatewayCliConfig = (env: NodeJS.ProcessEnv = process.env): GatewayCliConfig => loadConfig('gateway', GatewayCliConfigSchema, env);
