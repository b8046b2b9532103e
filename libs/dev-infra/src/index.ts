export { dockerAvailable, startContainers } from './containers';
export { provideInfra, type Infra, type InfraKind } from './infra';
export { buildMockKafkaLauncher, startMockKafka, type MockKafkaControl, type RunningKafka, type TopicSpec } from './kafka';
export { freePort } from './ports';
export { createDatabase, dropDatabase, startEmbeddedPostgres, type RunningPostgres } from './postgres';
export { INFRA_TMP_ROOT, sweepStaleDirs } from './reaper';
export { ensureDebianPackages, MissingSystemPackageError } from './system';
export { createTestDatabase, kafkaBrokersFromEnv, type TestDatabase } from './test-database';
export { appCommand, appEntry, migrate, startApp, startCluster, type AppName, type Cluster, type RunningApp } from './cluster';
