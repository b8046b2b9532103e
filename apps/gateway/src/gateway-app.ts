import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { GatewayConfig } from './config';
import { bodyParsing } from './http/body-parsing';
import { GatewayMetrics } from './metrics/gateway-metrics';

/**
 * Everything the gateway adds to a Nest app before it listens: request metrics first (they time the rest),
 * body parsing with limits, the OpenAPI document and UI. Used by main.ts (through bootstrapHttpApp) and by
 * in-process tests and benchmarks, so they run the same app.
 */
export function configureGateway(app: INestApplication, config: GatewayConfig): void {
  app.use(app.get(GatewayMetrics).middleware());
  for (const handler of bodyParsing({ jsonLimitBytes: config.JSON_BODY_LIMIT_BYTES, webhookLimitBytes: config.WEBHOOK_BODY_LIMIT_BYTES })) app.use(handler);
  const express = app.getHttpAdapter().getInstance() as { disable(name: string): void };
  // Express would announce itself; nothing gains from that.
  express.disable('x-powered-by');
  // Express hashes every body for an ETag; API answers are not cached conditionally, and on a 30 kB page the hash costs more than the routing.
  express.disable('etag');
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Arbiter gateway')
      .setDescription(
        'The HTTP API for controllers, auditors and admins (CONTRACT.md §2). Every /api/v1 call needs `Authorization: Bearer <api key>`; ' +
          'a key belongs to one tenant and one role (auditor < controller < admin). Errors are application/problem+json. ' +
          'Lists are cursor-paginated: ?limit= (default 50, max 500) and ?cursor=, answering { items, nextCursor }.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'arb_<id>_<secret>' })
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json', customSiteTitle: 'Arbiter gateway API' });
}

export interface RunningGateway {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** An in-process gateway on `config.HOST:config.PORT` (0 = any free port): for tests and benchmarks. */
export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  configureGateway(app, config);
  await app.listen(config.PORT, config.HOST);
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${address.port}`, close: () => app.close() };
}
