import { Controller, Delete, Get, Query, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { Allow, Caller, type Principal } from '../auth/principal';
import { ApiProblems, ApiQueryFrom } from '../http/api-docs';
import { BooleanFlag } from '../http/inputs';
import { validQuery } from '../http/zod-input';
import { QuickBooksConnection } from './quickbooks-connection';

/** `?redirect=false` answers 200 `{ url }`: a browser app cannot read a 302 it fetched, so it navigates to the URL itself. */
const AuthorizeQuery = z.strictObject({ redirect: BooleanFlag.optional() });

@ApiTags('QuickBooks connection')
@Controller('api/v1/connections/quickbooks')
@ApiProblems()
export class QuickBooksConnectionController {
  constructor(private readonly connection: QuickBooksConnection) {}

  @Get()
  @Allow('admin')
  @ApiOperation({ summary: '`{ state: disconnected | connecting | connected | error, realmId?, connectedAt?, lastError? }`' })
  status(@Caller() caller: Principal) {
    return this.connection.status(caller);
  }

  @Get('authorize')
  @Allow('admin')
  @ApiOperation({ summary: '302 to Intuit’s (or the sandbox’s) consent page with a single-use CSRF state bound to this key; the body repeats the URL for API clients' })
  @ApiFoundResponse({ description: 'Location: the consent page' })
  @ApiQueryFrom(AuthorizeQuery)
  async authorize(@Caller() caller: Principal, @Query(validQuery(AuthorizeQuery)) query: z.infer<typeof AuthorizeQuery>, @Res() res: Response): Promise<void> {
    const url = await this.connection.authorize(caller);
    if (query.redirect === false) res.status(200).json({ url });
    else res.status(302).location(url).json({ url });
  }

  @Delete()
  @Allow('admin')
  @ApiOperation({ summary: 'Revoke the tokens at Intuit and disconnect' })
  disconnect(@Caller() caller: Principal) {
    return this.connection.disconnect(caller);
  }
}
