import { z } from 'zod';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1'));

const intAtLeast = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);

const csvList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x.length > 0),
  );

/** Intuit's documented webhook retry schedule (reference §10.1): 10 s, 20 s, 30 s, 5 m, 20 m, 2 h, 4 h, 6 h. */
const DEFAULT_WEBHOOK_RETRY_MS = '10000,20000,30000,300000,1200000,7200000,14400000,21600000';

/**
 * The sandbox's environment. Every key is a string in `process.env`; the schema coerces and
 * defaults. Unknown keys are ignored (the whole process environment is passed in).
 */
export const SandboxEnv = z
  .object({
    QBO_SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    PORT: z.coerce.number().int().min(0).max(65535).optional(),
    /** Interface to listen on; 0.0.0.0 in a container, 127.0.0.1 for a local-only process. */
    QBO_SANDBOX_HOST: z.string().min(1).default('0.0.0.0'),
    QBO_CLIENT_ID: z.string().min(1),
    QBO_CLIENT_SECRET: z.string().min(1),
    QBO_REDIRECT_URI: csvList.pipe(z.array(z.url()).min(1)),
    QBO_WEBHOOK_URL: z.url().optional(),
    QBO_WEBHOOK_VERIFIER_TOKEN: z.string().min(1).optional(),
    QBO_WEBHOOK_FORMAT: z.enum(['legacy', 'cloudevents']).default('legacy'),
    /** How long changes are gathered into one notification, in ms. */
    QBO_WEBHOOK_BATCH_WINDOW_MS: intAtLeast(0, 1000),
    QBO_WEBHOOK_RETRY_SCHEDULE_MS: z
      .string()
      .default(DEFAULT_WEBHOOK_RETRY_MS)
      .pipe(csvList)
      .pipe(z.array(z.string().regex(/^\d+$/, 'comma-separated milliseconds').transform(Number)).min(1)),
    QBO_WEBHOOK_MAX_ATTEMPTS: intAtLeast(1, 20),
    /** Intuit expects an answer within 3 s (reference §10.1). */
    QBO_WEBHOOK_TIMEOUT_MS: intAtLeast(1, 3000),
    /** Intuit only notifies companies with a live OAuth connection. */
    QBO_WEBHOOK_ONLY_CONNECTED: bool(true),
    QBO_LIMITS_ENABLED: bool(true),
    QBO_LIMIT_REQUESTS_PER_MINUTE: intAtLeast(0, 500),
    QBO_LIMIT_MAX_IN_FLIGHT: intAtLeast(0, 10),
    /** 0 = off. Intuit's current page also lists 10 requests/second per realm and app. */
    QBO_LIMIT_REQUESTS_PER_SECOND: intAtLeast(0, 0),
    QBO_LIMIT_BATCH_PER_MINUTE: intAtLeast(0, 40),
    QBO_LIMIT_BATCH_MAX_ITEMS: intAtLeast(1, 30),
    /** Each batch item uses one unit of the per-minute budget (stricter than counting the batch once). */
    QBO_LIMIT_BATCH_COUNTS_ITEMS: bool(true),
    QBO_ACCESS_TOKEN_TTL_SECONDS: intAtLeast(1, 3600),
    /** Rolling refresh-token lifetime reported as x_refresh_token_expires_in (≈101 days in Intuit samples). */
    QBO_REFRESH_TOKEN_TTL_SECONDS: intAtLeast(1, 8_726_400),
    /** A refresh within this many seconds of the last rotation returns the same refresh token. */
    QBO_REFRESH_ROTATION_SECONDS: intAtLeast(0, 86_400),
    /** The previous refresh token keeps working for this long after a rotation. */
    QBO_REFRESH_GRACE_SECONDS: intAtLeast(0, 86_400),
    /** Absolute refresh-token lifetime: five years (Intuit policy announced 2025-11). */
    QBO_REFRESH_HARD_TTL_SECONDS: intAtLeast(1, 157_680_000),
    QBO_AUTH_CODE_TTL_SECONDS: intAtLeast(1, 600),
    QBO_REQUESTID_TTL_SECONDS: intAtLeast(1, 86_400),
    /** Replayable responses kept per realm (oldest dropped first): ≈10 min of writes at 500/min. */
    QBO_REQUESTID_MAX_PER_REALM: intAtLeast(1, 5_000),
    QBO_SANDBOX_DEFAULT_REALM: z.string().regex(/^\d{1,20}$/).default('9341453908059321'),
    QBO_SANDBOX_TIMEZONE: z
      .string()
      .default('America/Los_Angeles')
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'unknown IANA time zone'),
  })
  .superRefine((env, ctx) => {
    if (env.QBO_WEBHOOK_URL && !env.QBO_WEBHOOK_VERIFIER_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['QBO_WEBHOOK_VERIFIER_TOKEN'],
        message: 'required when QBO_WEBHOOK_URL is set (notifications are signed with it)',
      });
    }
  });
export type SandboxEnv = z.infer<typeof SandboxEnv>;

export interface LimitSettings {
  enabled: boolean;
  requestsPerMinute: number;
  maxInFlight: number;
  requestsPerSecond: number;
  batchPerMinute: number;
  batchMaxItems: number;
  batchCountsItems: boolean;
}

export interface SandboxConfig {
  port: number;
  host: string;
  oauth: {
    clientId: string;
    clientSecret: string;
    redirectUris: string[];
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    refreshRotationSeconds: number;
    refreshGraceSeconds: number;
    refreshHardTtlSeconds: number;
    authCodeTtlSeconds: number;
  };
  webhooks: {
    url?: string;
    verifierToken?: string;
    format: 'legacy' | 'cloudevents';
    batchWindowMs: number;
    retryScheduleMs: number[];
    maxAttempts: number;
    timeoutMs: number;
    onlyConnectedRealms: boolean;
  };
  limits: LimitSettings;
  requestIdTtlSeconds: number;
  requestIdMaxPerRealm: number;
  defaultRealmId: string;
  timeZone: string;
}

/** Reshapes the validated environment into the typed, nested config the sandbox is built from. */
export function toSandboxConfig(env: SandboxEnv): SandboxConfig {
  return {
    port: env.QBO_SANDBOX_PORT ?? env.PORT ?? 4010,
    host: env.QBO_SANDBOX_HOST,
    oauth: {
      clientId: env.QBO_CLIENT_ID,
      clientSecret: env.QBO_CLIENT_SECRET,
      redirectUris: env.QBO_REDIRECT_URI,
      accessTokenTtlSeconds: env.QBO_ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: env.QBO_REFRESH_TOKEN_TTL_SECONDS,
      refreshRotationSeconds: env.QBO_REFRESH_ROTATION_SECONDS,
      refreshGraceSeconds: env.QBO_REFRESH_GRACE_SECONDS,
      refreshHardTtlSeconds: env.QBO_REFRESH_HARD_TTL_SECONDS,
      authCodeTtlSeconds: env.QBO_AUTH_CODE_TTL_SECONDS,
    },
    webhooks: {
      url: env.QBO_WEBHOOK_URL,
      verifierToken: env.QBO_WEBHOOK_VERIFIER_TOKEN,
      format: env.QBO_WEBHOOK_FORMAT,
      batchWindowMs: env.QBO_WEBHOOK_BATCH_WINDOW_MS,
      retryScheduleMs: env.QBO_WEBHOOK_RETRY_SCHEDULE_MS,
      maxAttempts: env.QBO_WEBHOOK_MAX_ATTEMPTS,
      timeoutMs: env.QBO_WEBHOOK_TIMEOUT_MS,
      onlyConnectedRealms: env.QBO_WEBHOOK_ONLY_CONNECTED,
    },
    limits: {
      enabled: env.QBO_LIMITS_ENABLED,
      requestsPerMinute: env.QBO_LIMIT_REQUESTS_PER_MINUTE,
      maxInFlight: env.QBO_LIMIT_MAX_IN_FLIGHT,
      requestsPerSecond: env.QBO_LIMIT_REQUESTS_PER_SECOND,
      batchPerMinute: env.QBO_LIMIT_BATCH_PER_MINUTE,
      batchMaxItems: env.QBO_LIMIT_BATCH_MAX_ITEMS,
      batchCountsItems: env.QBO_LIMIT_BATCH_COUNTS_ITEMS,
    },
    requestIdTtlSeconds: env.QBO_REQUESTID_TTL_SECONDS,
    requestIdMaxPerRealm: env.QBO_REQUESTID_MAX_PER_REALM,
    defaultRealmId: env.QBO_SANDBOX_DEFAULT_REALM,
    timeZone: env.QBO_SANDBOX_TIMEZONE,
  };
}

/**
 * Validates the environment and returns the typed config.
 * @throws ZodError listing every bad or missing key (main.ts goes through @arbiter/runtime's
 *   loadConfig instead, which prints that list once and exits 1).
 */
export function loadSandboxConfig(env: NodeJS.ProcessEnv = process.env): SandboxConfig {
  return toSandboxConfig(SandboxEnv.parse(env));
}
