import { z } from 'zod';

/** Thrown by {@link parseConfig}; its message names every bad or missing key at once. */
export class ConfigError extends Error {
  constructor(
    readonly appName: string,
    readonly issues: { key: string; message: string }[],
  ) {
    super(`${appName}: invalid configuration: ${issues.map((i) => `${i.key} (${i.message})`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment with the app's schema; throws one {@link ConfigError} listing every bad key. */
export function parseConfig<S extends z.ZodType>(appName: string, schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const byKey = new Map<string, string>();
  for (const issue of result.error.issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : '(environment)';
    const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
    byKey.set(key, byKey.has(key) ? `${byKey.get(key)}, ${message}` : message);
  }
  throw new ConfigError(appName, [...byKey].map(([key, message]) => ({ key, message })));
}

/**
 * Reads the configuration once at boot. On error it writes ONE structured line naming every bad key
 * (never their values: some are secrets) and exits with status 1, so an orchestrator shows the reason.
 */
export function loadConfig<S extends z.ZodType>(appName: string, schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  try {
    return parseConfig(appName, schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(
      JSON.stringify({ level: 'fatal', time: new Date().toISOString(), app: appName, msg: error.message, invalidKeys: error.issues.map((i) => i.key) }) + '\n',
    );
    process.exit(1);
  }
}

/** Building blocks shared by the apps' config schemas (CONTRACT.md §4). */
export const ConfigFields = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  databaseUrl: () =>
    z
      .string({ error: 'is required' })
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  kafkaBrokers: () =>
    z
      .string({ error: 'is required' })
      .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
      .refine((list) => list.length > 0 && list.every((b) => /^[^\s:]+:\d+$/.test(b)), 'must be a comma-separated list of host:port'),
  /** 32 bytes, base64: the AES-256-GCM key for OAuth tokens at rest. */
  tokenEncryptionKey: () =>
    z
      .string({ error: 'is required' })
      .refine((s) => /^[A-Za-z0-9+/]+={0,2}$/.test(s) && Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded'),
  url: () => z.string().url('must be a URL'),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};
