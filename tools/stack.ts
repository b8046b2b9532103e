/**
 * `npm run stack`: the local cluster on embedded defaults (or DATABASE_URL / KAFKA_BROKERS when given),
 * kept running until SIGINT/SIGTERM. Prints KEY=value lines and then READY once everything is healthy.
 * Logs of the apps go to stderr (JSON lines) when ARBITER_STACK_LOGS=1.
 */
import { TopicSpecs } from '@arbiter/contracts';
import { provideInfra, startCluster } from '@arbiter/dev-infra';
import { bootstrapLocalTenants } from './local-tenants';

async function main(): Promise<void> {
  const log = (msg: string) => process.stderr.write(`stack: ${msg}\n`);
  const infra = await provideInfra({ topics: TopicSpecs.map((t) => ({ name: t.name, partitions: t.partitions })), log });
  let cluster: Awaited<ReturnType<typeof startCluster>> | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping');
    await cluster?.stop();
    await infra.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  try {
    cluster = await startCluster(infra, {
      preferDefaultPorts: true,
      database: 'arbiter',
      env: { KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_INTERVAL_MS: '500', KAFKA_MAX_WAIT_TIME_MS: '100' },
      log: process.env['ARBITER_STACK_LOGS'] === '1' ? (line) => process.stderr.write(`${line}\n`) : undefined,
    });
    const tenants = await bootstrapLocalTenants(cluster);
    const lines: Record<string, string> = {
      DATABASE_URL: cluster.env['DATABASE_URL'],
      KAFKA_BROKERS: cluster.env['KAFKA_BROKERS'],
      GATEWAY_URL: cluster.apps.gateway.url,
      SYNC_SERVICE_URL: cluster.apps['sync-service'].url,
      RECON_SERVICE_URL: cluster.apps['recon-service'].url,
      QBO_SANDBOX_URL: cluster.apps['qbo-sandbox'].url,
      ...tenants,
      QBO_CLIENT_ID: cluster.env['QBO_CLIENT_ID'],
      QBO_CLIENT_SECRET: cluster.env['QBO_CLIENT_SECRET'],
      QBO_REDIRECT_URI: cluster.env['QBO_REDIRECT_URI'],
      QBO_WEBHOOK_VERIFIER_TOKEN: cluster.env['QBO_WEBHOOK_VERIFIER_TOKEN'],
    };
    for (const [key, value] of Object.entries(lines)) process.stdout.write(`${key}=${value}\n`);
    process.stdout.write('READY\n');
  } catch (error) {
    log(`failed: ${(error as Error).message}`);
    await stop(1);
  }
}

void main();
