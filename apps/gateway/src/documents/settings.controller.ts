import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Allow, Caller, type Principal } from '../auth/principal';
import { ApiJsonBody, ApiProblems } from '../http/api-docs';
import { EntityType, QboId } from '../http/inputs';
import { validBody } from '../http/zod-input';
import { Documents } from './documents';

const SettingsBody = z.strictObject({
  syncEntityTypes: z
    .array(EntityType)
    .max(5)
    .refine((types) => new Set(types).size === types.length, 'must not repeat a type')
    .optional(),
  autoPush: z.boolean().optional(),
  defaultTermId: QboId.optional(),
  arAccountId: QboId.optional(),
  defaultIncomeAccountId: QboId.optional(),
  descriptionTemplate: z
    .string()
    .min(1)
    .max(500)
    .regex(/^(?:[^\p{Cc}]|[\n\t])*$/u, 'must not contain control characters other than newline and tab')
    .optional(),
});

@ApiTags('Settings')
@Controller('api/v1/settings')
@ApiProblems(400)
export class SettingsController {
  constructor(private readonly documents: Documents) {}

  @Get()
  @Allow('admin')
  @ApiOperation({ summary: 'Which entity types sync, auto-push on approval, default terms, AR account, default income account, charge-set description template' })
  get(@Caller() caller: Principal) {
    return this.documents.settings(caller);
  }

  @Put()
  @Allow('admin')
  @ApiOperation({ summary: 'Change settings (fields given are replaced; others are kept)' })
  @ApiJsonBody(SettingsBody)
  put(@Caller() caller: Principal, @Body(validBody(SettingsBody)) body: z.infer<typeof SettingsBody>) {
    return this.documents.updateSettings(caller, body);
  }
}
