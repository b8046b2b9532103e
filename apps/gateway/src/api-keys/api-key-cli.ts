import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { loadGatewayCliConfig } from '../config';
import { createApiKey } from './create-api-key';

const USAGE = 'usage: main.js api-key create --tenant <tenantId> --role <admin|controller|auditor> [--name <text>] [--json]';

/**
 * `main.js api-key create --tenant acme --role admin [--name x] [--json]`: prints the new key on stdout
 * (alone, or as one JSON object with --json) and a JSON log line without the key on stderr.
 * Returns the process exit code.
 */
export async function runApiKeyCli(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    err.write(JSON.stringify({ level: 'error', app: 'gateway', msg: `${(error as Error).message}; ${USAGE}` }) + '\n');
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals[0] !== 'create' || !values.tenant || !values.role) {
    err.write(JSON.stringify({ level: 'error', app: 'gateway', msg: USAGE }) + '\n');
    return 2;
  }
  const config = loadGatewayCliConfig();
  try {
    const created = await createApiKey({
      databaseUrl: config.DATABASE_URL,
      schema: config.DATABASE_SCHEMA,
      tenantId: values.tenant,
      role: values.role as 'admin',
      name: values.name ?? 'bootstrap',
    });
    out.write(values.json ? JSON.stringify(created) + '\n' : `${created.key}\n`);
    err.write(JSON.stringify({ level: 'info', app: 'gateway', msg: `api key created id=${created.id} tenant=${created.tenantId} role=${created.role}` }) + '\n');
    return 0;
  } catch (error) {
    const msg = error instanceof ZodError ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (error as Error).message;
    err.write(JSON.stringify({ level: 'error', app: 'gateway', msg: `api key not created: ${msg}` }) + '\n');
    return 1;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: { tenant: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
  });
}
