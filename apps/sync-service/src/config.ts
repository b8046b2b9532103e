import { ConfigFields, loadConfig } from '@arbiter/runtime';
import { z } from 'zod';

export const SyncConfigSchema = z.object({
  PORT: ConfigFields.port(3001),
  DATABASE_URL: ConfigFields.databaseUrl(),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('sync'),
  KAFKA_BROKERS: ConfigFields.kafkaBrokers(),
  KAFKA_GROUP_ID: z.string().min(1).default('arbiter-sync'),
  KAFKA_SESSION_TIMEOUT_MS: ConfigFields.positiveInt(30_000),
  KAFKA_HEARTBEAT_INTERVAL_MS: ConfigFields.positiveInt(3_000),
  /**
   * How long a fetch may wait for KAFKA_MIN_BYTES: the worst-case delay of an event arriving alone. Shorter than
   * kafkajs' 1 s so that a burst's tail (and a trickle) is recorded within a quarter second; idle, it costs a few
   * small fetch requests per second.
   */
  KAFKA_MAX_WAIT_TIME_MS: ConfigFields.positiveInt(250),
  /** A fetch waits (up to KAFKA_MAX_WAIT_TIME_MS) for this many bytes, so it brings a batch worth a transaction. */
  KAFKA_MIN_BYTES: ConfigFields.positiveInt(65_536),
  /**
   * Partition batches handled at once (kafkajs partitionsConsumedConcurrently). 60 = every inbound partition
   * (5 topics × 12), so a whole fetch's batches meet in one group commit; per-entity order holds because a key
   * maps to one partition and kafkajs never hands out a partition's next batch before the previous one is done.
   */
  KAFKA_PARTITIONS_CONCURRENTLY: ConfigFields.positiveInt(60),
  /** Inbound messages recorded in one transaction at most (a group commit); bounds its size and lock time. */
  INBOX_GROUP_MAX_MESSAGES: ConfigFields.positiveInt(5_000),
  QBO_API_BASE_URL: ConfigFields.url().default('https://quickbooks.api.intuit.com'),
  QBO_OAUTH_BASE_URL: ConfigFields.url().optional(),
  QBO_CLIENT_ID: z.string({ error: 'is required' }).min(1, 'is required'),
  QBO_CLIENT_SECRET: z.string({ error: 'is required' }).min(1, 'is required'),
  QBO_REDIRECT_URI: ConfigFields.url().optional(),
  TOKEN_ENCRYPTION_KEY: ConfigFields.tokenEncryptionKey(),
  /** QuickBooks' per-realm ceiling (500/min, 10 in flight); lower them to share a realm with other apps. */
  QBO_REQUESTS_PER_MINUTE: ConfigFields.positiveInt(500),
  QBO_MAX_IN_FLIGHT: ConfigFields.positiveInt(10),
  /**
   * Whether a QuickBooks batch request uses one unit of the per-minute limit per item (true, as the sandbox counts
   * by default) or one in all (false, what secondary sources say QuickBooks does). Batches also count against
   * QuickBooks' 40 batch requests per minute either way.
   */
  QBO_LIMIT_BATCH_COUNTS_ITEMS: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** Jobs claimed per poll and pushed concurrently by this replica, across realms. */
  PUSH_CONCURRENCY: ConfigFields.positiveInt(40),
  /** Off only for benchmarks that measure the inbound path alone. */
  PUSH_ENABLED: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  PUSH_POLL_INTERVAL_MS: ConfigFields.positiveInt(250),
  /** A claim's lease; renewed every third of it while the push runs, so a killed replica's jobs return this soon. */
  PUSH_LEASE_MS: ConfigFields.positiveInt(30_000).refine((ms) => ms >= 3_000, 'must be at least 3000'),
  OUTBOX_INTERVAL_MS: ConfigFields.positiveInt(200),
  /** Shared secret the gateway presents on the internal API; unset means the network policy is the only fence. */
  INTERNAL_API_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  LOG_LEVEL: ConfigFields.logLevel(),
});
export type SyncConfig = z.infer<typeof SyncConfigSchema>;
export const SYNC_CONFIG = Symbol('SYNC_CONFIG');

export const loadSyncConfig = (env: NodeJS.ProcessEnv = process.env): SyncConfig => loadConfig('sync-service', SyncConfigSchema, env);
