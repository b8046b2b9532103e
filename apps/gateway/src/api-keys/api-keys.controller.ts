import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Allow, Caller, type Principal, Roles } from '../auth/principal';
import { ApiJsonBody, ApiPathParam, ApiProblems, ApiQueryFrom, pageOf } from '../http/api-docs';
import { Label, Page } from '../http/inputs';
import { validBody, validParam, validQuery } from '../http/zod-input';
import { ApiKeys } from './api-keys';

const CreateBody = z.strictObject({ role: z.enum(Roles), name: Label });
const ListQuery = z.strictObject({ state: z.enum(['active', 'revoked', 'all']).default('active'), ...Page });
const KeyId = z.string().regex(/^ak_[0-9a-f]{12}$/, 'is not an API key id (ak_ and 12 hex digits)');

@ApiTags('API keys')
@Controller('api/v1/api-keys')
@ApiProblems(400)
export class ApiKeysController {
  constructor(private readonly keys: ApiKeys) {}

  @Post()
  @Allow('admin')
  @ApiOperation({ summary: 'Create a key for this tenant with one role; the answer carries the key, once' })
  @ApiJsonBody(CreateBody)
  @ApiCreatedResponse({ description: '`{ id, key, tenantId, role, name, createdAt, … }`: store `key` now, it is never shown again' })
  create(@Caller() caller: Principal, @Body(validBody(CreateBody)) body: z.infer<typeof CreateBody>) {
    return this.keys.create(caller, body);
  }

  @Get()
  @Allow('admin')
  @ApiOperation({ summary: 'Keys of this tenant (ids, names, roles, dates; never the keys)' })
  @ApiQueryFrom(ListQuery)
  @ApiOkResponse({ description: 'A page of keys', schema: pageOf({ type: 'object', description: '{ id, tenantId, role, name, createdAt, createdBy, revokedAt, revokedBy, lastUsedAt }' }) })
  list(@Caller() caller: Principal, @Query(validQuery(ListQuery)) query: z.infer<typeof ListQuery>) {
    return this.keys.list(caller.tenantId, query);
  }

  @Delete(':id')
  @Allow('admin')
  @ApiOperation({ summary: 'Revoke a key; it stops working at once' })
  @ApiPathParam('id', KeyId)
  @ApiProblems(404)
  revoke(@Caller() caller: Principal, @Param('id', validParam('id', KeyId)) id: string) {
    return this.keys.revoke(caller, id);
  }
}
