export { bootstrapHttpApp, type HttpAppOptions } from './bootstrap';
export { ConfigError, ConfigFields, loadConfig, parseConfig } from './config';
export { HealthController, HealthRegistry, type HealthCheck } from './health';
export { jsonLoggerModule, REDACTED_PATHS, stripQuerySecrets } from './logging';
export { APP_NAME, RuntimeModule } from './runtime.module';
export { consumerGroupLag, kafkaClientConfig, type KafkaTuning } from './kafka';
export { installProcessHandlers } from './process-handlers';
export { bearerTokenMatches } from './bearer-token';
