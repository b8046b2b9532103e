import { Controller, Headers, HttpCode, Inject, Logger, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../auth/principal';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GatewayError } from '../gateway-error';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { verifyIntuitSignature } from './webhook-signature';
import { WebhookDeliveries } from './webhook-deliveries';

/** Intuit's webhooks: no API key; the body's HMAC signature is the authentication. */
@ApiExcludeController()
@Controller('webhooks/quickbooks')
export class QuickBooksWebhookController {
  private readonly logger = new Logger(QuickBooksWebhookController.name);

  constructor(
    private readonly deliveries: WebhookDeliveries,
    private readonly metrics: GatewayMetrics,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post()
  @Public()
  @HttpCode(200)
  async receive(@Req() req: Request, @Headers('intuit-signature') signature?: string, @Headers('intuit-t-id') intuitTid?: string): Promise<{ received: true }> {
    // The raw-body parser (http/body-parsing.ts) leaves the bytes as a Buffer; an empty body is an empty Buffer.
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyIntuitSignature(raw, signature, this.config.QBO_WEBHOOK_VERIFIER_TOKEN)) {
      this.metrics.webhooks.inc({ outcome: 'rejected' });
      this.logger.warn(`webhook rejected: signature does not verify bytes=${raw.length}`);
      throw new GatewayError('INVALID_SIGNATURE', 'the intuit-signature header does not verify for this body');
    }
    await this.deliveries.record(raw, intuitTid);
    this.metrics.webhooks.inc({ outcome: 'accepted' });
    return { received: true };
  }
}
