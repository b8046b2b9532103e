import type { IntuitOAuthConfig } from './intuit-oauth-gateway';
import { DEFAULT_MINOR_VERSION, QBO_PRODUCTION_API_BASE_URL } from './qbo-client';
import type { RealmLimits } from './realm-budget';
import { TokenCipher } from './token-cipher';

/** Everything the lib needs from configuration, already validated. */
export interface QboSettings {
  apiBaseUrl: string;
  minorVersion: number;
  oauth: IntuitOAuthConfig;
  tokenCipher: TokenCipher;
  limits: Partial<RealmLimits>;
}

/** Thrown once with every bad or missing key, so a process fails at boot with the whole list. */
export class QboConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid QuickBooks configuration: ${problems.join('; ')}`);
    this.name = 'QboConfigError';
  }
}

/**
 * Validates the QuickBooks part of an app's configuration. The app's `config.ts` passes its environment
 * in (this lib never reads `process.env`). Keys (CONTRACT.md §4 plus lib-specific optional ones):
 * QBO_API_BASE_URL, QBO_OAUTH_BASE_URL, QBO_CLIENT_ID, QBO_CLIENT_SECRET, QBO_REDIRECT_URI,
 * TOKEN_ENCRYPTION_KEY (base64 of 32 bytes); optional QBO_ENVIRONMENT (sandbox|production),
 * QBO_MINOR_VERSION, TOKEN_ENCRYPTION_KEY_ID, TOKEN_ENCRYPTION_PREVIOUS_KEYS (`id:base64,…`),
 * QBO_RATE_LIMIT_PER_MINUTE, QBO_MAX_IN_FLIGHT, QBO_LIMIT_BATCH_COUNTS_ITEMS (true|false, default true: a batch
 * request uses one unit of the per-minute limit per item, as the QuickBooks sandbox counts by default).
 * @throws QboConfigError listing every problem. Messages name keys, never values.
 */
export function parseQboSettings(env: Readonly<Record<string, string | undefined>>): QboSettings {
  const problems: string[] = [];
  const required = (key: string): string => {
    const v = env[key]?.trim();
    if (!v) problems.push(`${key} is required`);
    return v ?? '';
  };
  const url = (key: string, fallback?: string): string | undefined => {
    const v = env[key]?.trim() || fallback;
    if (v === undefined) return undefined;
    try {
      const u = new URL(v);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
      return v.replace(/\/+$/, '');
    } catch {
      problems.push(`${key} must be an http(s) URL`);
      return v;
    }
  };
  const positiveInt = (key: string, fallback: number): number => {
    const v = env[key]?.trim();
    if (!v) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) problems.push(`${key} must be a positive integer`);
    return n;
  };

  const apiBaseUrl = url('QBO_API_BASE_URL', QBO_PRODUCTION_API_BASE_URL) as string;
  const oauthBaseUrl = url('QBO_OAUTH_BASE_URL');
  const clientId = required('QBO_CLIENT_ID');
  const clientSecret = required('QBO_CLIENT_SECRET');
  const redirectUri = url('QBO_REDIRECT_URI') ?? (problems.push('QBO_REDIRECT_URI is required'), '');
  const environmentText = env['QBO_ENVIRONMENT']?.trim() || (/sandbox/.test(apiBaseUrl) ? 'sandbox' : 'production');
  if (environmentText !== 'sandbox' && environmentText !== 'production') problems.push('QBO_ENVIRONMENT must be sandbox or production');
  const minorVersion = positiveInt('QBO_MINOR_VERSION', DEFAULT_MINOR_VERSION);
  const perMinute = positiveInt('QBO_RATE_LIMIT_PER_MINUTE', 500);
  const inFlight = positiveInt('QBO_MAX_IN_FLIGHT', 10);
  const batchCountsText = env['QBO_LIMIT_BATCH_COUNTS_ITEMS']?.trim() || 'true';
  if (batchCountsText !== 'true' && batchCountsText !== 'false') problems.push('QBO_LIMIT_BATCH_COUNTS_ITEMS must be true or false');

  let tokenCipher: TokenCipher | undefined;
  const key = required('TOKEN_ENCRYPTION_KEY');
  if (key) {
    try {
      const previous: Record<string, string> = {};
      for (const pair of (env['TOKEN_ENCRYPTION_PREVIOUS_KEYS'] ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
        const at = pair.indexOf(':');
        if (at < 1) throw new RangeError('TOKEN_ENCRYPTION_PREVIOUS_KEYS must be id:base64 pairs');
        previous[pair.slice(0, at)] = pair.slice(at + 1);
      }
      tokenCipher = TokenCipher.fromBase64(key, { keyId: env['TOKEN_ENCRYPTION_KEY_ID']?.trim() || undefined, previous });
    } catch (error) {
      problems.push(`TOKEN_ENCRYPTION_KEY: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0 || !tokenCipher) throw new QboConfigError(problems);
  return {
    apiBaseUrl,
    minorVersion,
    oauth: { clientId, clientSecret, redirectUri, environment: environmentText as 'sandbox' | 'production', oauthBaseUrl },
    tokenCipher,
    limits: { maxRequestsPerWindow: perMinute, windowMs: 60_000, maxInFlight: inFlight, batchCountsItems: batchCountsText === 'true' },
  };
}
