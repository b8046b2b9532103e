import { ConfigFields, loadConfig } from '@arbiter/runtime';
import { z } from 'zod';

export const GatewayConfigSchema = z.object({
  PORT: ConfigFields.port(3000),
  DATABASE_URL: ConfigFields.databaseUrl(),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('gateway'),
  KAFKA_BROKERS: ConfigFields.kafkaBrokers(),
  SYNC_SERVICE_URL: ConfigFields.url().default('http://127.0.0.1:3001'),
  RECON_SERVICE_URL: ConfigFields.url().default('http://127.0.0.1:3002'),
  QBO_OAUTH_BASE_URL: ConfigFields.url().optional(),
  QBO_CLIENT_ID: z.string({ error: 'is required' }).min(1, 'is required'),
  QBO_CLIENT_SECRET: z.string({ error: 'is required' }).min(1, 'is required'),
  QBO_REDIRECT_URI: ConfigFields.url(),
  QBO_WEBHOOK_VERIFIER_TOKEN: z.string({ error: 'is required' }).min(1, 'is required'),
  TOKEN_ENCRYPTION_KEY: ConfigFields.tokenEncryptionKey(),
  LOG_LEVEL: ConfigFields.logLevel(),
});
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;

export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig => loadConfig('gateway', GatewayConfigSchema, env);
