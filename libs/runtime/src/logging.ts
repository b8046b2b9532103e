import { RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';

/**
 * Paths pino censors in every log line. Secrets must never reach a log: bearer keys, OAuth tokens,
 * client secrets, verifier tokens, passwords in URLs (the URL serializer below strips those).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["intuit-signature"]',
  'res.headers["set-cookie"]',
  '*.access_token', '*.refresh_token', '*.accessToken', '*.refreshToken', '*.id_token',
  '*.token', '*.apiKey', '*.password', '*.clientSecret', '*.client_secret', '*.secret',
];

export function jsonLoggerModule(appName: string, level = process.env['LOG_LEVEL'] ?? 'info') {
  return LoggerModule.forRoot({
    pinoHttp: {
      level,
      base: { app: appName, pid: process.pid },
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
      formatters: { level: (label: string) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Health probes and metric scrapes would drown the request log.
      autoLogging: { ignore: (req) => /^\/(health|metrics)\b/.test(req.url ?? '') },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: stripQuerySecrets(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
    exclude: [{ method: RequestMethod.ALL, path: 'health' }],
  });
}

/** OAuth callbacks carry `code` and `state` in the query string: keep them out of logs. */
export function stripQuerySecrets(url: string): string {
  return url.replace(/([?&](code|state|token|access_token|refresh_token)=)[^&]*/gi, '$1[redacted]');
}
