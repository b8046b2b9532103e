// Jest globalSetup for every project: when the project has integration specs (*.int-spec.ts), start
// (or take from DATABASE_URL / KAFKA_BROKERS) a real PostgreSQL and Kafka-protocol broker via
// libs/dev-infra and hand their addresses to the test workers through the environment.
const path = require('node:path');
const fs = require('node:fs');

const root = path.resolve(__dirname, '..', '..');

function hasIntegrationSpecs(dir) {
  if (!fs.existsSync(dir)) return false;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() ? hasIntegrationSpecs(full) : entry.name.endsWith('.int-spec.ts')) return true;
  }
  return false;
}

module.exports = async function infraSetup(_globalConfig, projectConfig) {
  if (!hasIntegrationSpecs(projectConfig.rootDir)) return;
  process.env.SWC_NODE_PROJECT = path.join(root, 'tsconfig.base.json');
  require('@swc-node/register');
  const { provideInfra } = require(path.join(root, 'libs/dev-infra/src/index.ts'));
  const { TopicSpecs } = require(path.join(root, 'libs/contracts/src/index.ts'));
  const infra = await provideInfra({ topics: TopicSpecs.map((t) => ({ name: t.name, partitions: t.partitions })) });
  globalThis.__ARBITER_INFRA__ = infra;
  process.env.DATABASE_URL = infra.databaseUrl;
  process.env.KAFKA_BROKERS = infra.kafkaBrokers.join(',');
  // Short group timings keep rebalances on the mock broker fast; tests only, never the services' defaults.
  process.env.KAFKA_SESSION_TIMEOUT_MS ??= '6000';
  process.env.KAFKA_HEARTBEAT_INTERVAL_MS ??= '500';
  process.env.KAFKA_MAX_WAIT_TIME_MS ??= '100';
};
