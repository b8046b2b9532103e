import { randomBytes } from 'node:crypto';
import { createDatabase, dropDatabase } from './postgres';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh database for one test file on the server in DATABASE_URL (started by the jest global
 * setup, or given). Fails loudly when there is no server: an integration test never "passes" without one.
 */
export async function createTestDatabase(prefix = 't', env: NodeJS.ProcessEnv = process.env): Promise<TestDatabase> {
  const serverUrl = env['DATABASE_URL'];
  if (!serverUrl) throw new Error('DATABASE_URL is not set: integration specs need the PostgreSQL from libs/dev-infra (run them through `npm test` or `nx test`)');
  const name = `${prefix.replace(/[^a-z0-9_]/g, '_').slice(0, 30)}_${randomBytes(5).toString('hex')}`;
  const url = await createDatabase(serverUrl, name);
  return { url, name, drop: () => dropDatabase(serverUrl, name) };
}

export function kafkaBrokersFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const brokers = env['KAFKA_BROKERS'];
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: integration specs need the broker from libs/dev-infra (run them through `npm test` or `nx test`)');
  return brokers.split(',');
}
