import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { Public } from '../auth/principal';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GatewayError } from '../gateway-error';
import { GatewayMetrics } from './gateway-metrics';

/** `GET /metrics`, Prometheus text. Open unless METRICS_TOKEN is set (then a bearer token, not an API key). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: GatewayMetrics,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get()
  @Public()
  async scrape(@Res() res: Response, @Headers('authorization') authorization?: string): Promise<void> {
    const token = this.config.METRICS_TOKEN;
    if (token) {
      const given = Buffer.from(authorization?.startsWith('Bearer ') ? authorization.slice(7) : '');
      const want = Buffer.from(token);
      if (given.length !== want.length || !timingSafeEqual(given, want)) throw new GatewayError('UNAUTHENTICATED', 'send Authorization: Bearer <metrics token>');
    }
    const { contentType, body } = await this.metrics.render();
    res.status(200).type(contentType).send(body);
  }
}
