import { TenantId } from '@arbiter/contracts';
import { serviceOrmConfig } from '@arbiter/persistence';
import { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { Roles } from '../auth/principal';
import { inTransaction } from '../sql';
import { type CreatedApiKey, insertApiKey } from './api-keys';

export const CreateApiKeyInput = z.strictObject({
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  schema: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('gateway'),
  tenantId: TenantId,
  role: z.enum(Roles),
  name: z.string().min(1).max(100).default('bootstrap'),
  /** Recorded as the creator in the key row and the audit chain. */
  createdBy: z.string().min(1).max(64).default('cli'),
});
export type CreateApiKeyInput = z.input<typeof CreateApiKeyInput>;

/**
 * Creates an API key straight in the gateway's schema (migrations must have run) and returns it, key included.
 * For bootstrapping a tenant's first admin key (the CLI) and for end-to-end suites; everything else goes
 * through `POST /api/v1/api-keys`. The creation is recorded in the tenant's audit chain.
 * @throws ZodError on bad input; the database's error when the schema is missing.
 */
export async function createApiKey(input: CreateApiKeyInput): Promise<CreatedApiKey> {
  const options = CreateApiKeyInput.parse(input);
  const orm = await MikroORM.init(
    serviceOrmConfig({ clientUrl: options.databaseUrl, schema: options.schema, entities: [], migrations: [], poolMax: 1 }),
  );
  try {
    return await inTransaction(orm.em, (sql) =>
      insertApiKey(sql, { tenantId: options.tenantId, role: options.role, name: options.name }, { tenantId: options.tenantId, keyId: options.createdBy, role: 'admin' }),
    );
  } finally {
    await orm.close(true);
  }
}
