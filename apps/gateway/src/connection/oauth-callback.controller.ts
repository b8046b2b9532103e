import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { Public } from '../auth/principal';
import { validQuery } from '../http/zod-input';
import { QuickBooksConnection } from './quickbooks-connection';

/**
 * Intuit builds this query, not our callers: the known parameters are checked and anything Intuit may add
 * later is ignored rather than refused (a refusal would strand an admin mid-consent).
 */
const CallbackQuery = z.object({
  code: z.string().min(1).max(1024).optional(),
  state: z.string().min(1).max(200).optional(),
  realmId: z.string().regex(/^\d{1,32}$/, 'must be a QuickBooks company id').optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
});

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The OAuth redirect target: no API key; the single-use state identifies the tenant and the admin. */
@ApiExcludeController()
@Controller('oauth/quickbooks/callback')
export class OAuthCallbackController {
  constructor(private readonly connection: QuickBooksConnection) {}

  @Get()
  @Public()
  async callback(@Query(validQuery(CallbackQuery)) query: z.infer<typeof CallbackQuery>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const rawQuery = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
    const { tenantId, realmId } = await this.connection.callback(query, rawQuery);
    const body = { state: 'connected', tenantId, realmId };
    res.setHeader('Cache-Control', 'no-store');
    if (req.accepts(['json', 'html']) === 'html') {
      res
        .status(200)
        .type('html')
        .send(
          `<!doctype html><html><head><meta charset="utf-8"><title>QuickBooks connected</title></head><body>` +
            `<h1>QuickBooks connected</h1><p>Tenant <b>${escapeHtml(tenantId)}</b> is connected to company <b>${escapeHtml(realmId)}</b>. You can close this window.</p></body></html>`,
        );
      return;
    }
    res.status(200).json(body);
  }
}
