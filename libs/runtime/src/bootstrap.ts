import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { HealthRegistry } from './health';

export interface HttpAppOptions {
  port: number;
  host?: string;
  rawBody?: boolean;
  configure?: (app: INestApplication) => void | Promise<void>;
  /** Grace period for in-flight work after SIGTERM before the process exits anyway. */
  shutdownTimeoutMs?: number;
}

/**
 * Creates, configures and starts an app with JSON logging and graceful shutdown: on SIGTERM/SIGINT
 * /health turns 503, the HTTP server stops accepting, Kafka consumers stop and commit, pools close
 * (Nest's shutdown hooks, in module order), and the process exits 0.
 */
export async function bootstrapHttpApp(appName: string, module: Type<unknown> | DynamicModule, options: HttpAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create(module, { bufferLogs: true, rawBody: options.rawBody ?? false });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.flushLogs();
  await options.configure?.(app);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`shutting down signal=${signal}`, appName);
    app.get(HealthRegistry, { strict: false })?.markDraining();
    const timer = setTimeout(() => {
      logger.error(`shutdown timed out after ${options.shutdownTimeoutMs ?? 20_000} ms; exiting`, appName);
      process.exit(1);
    }, options.shutdownTimeoutMs ?? 20_000);
    timer.unref();
    try {
      await app.close();
      process.exit(0);
    } catch (error) {
      logger.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`, appName);
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await app.startAllMicroservices();
  await app.listen(options.port, options.host ?? '0.0.0.0');
  logger.log(`listening app=${appName} url=${await app.getUrl()}`, appName);
  return app;
}
