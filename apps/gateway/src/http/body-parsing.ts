import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { GatewayError } from '../gateway-error';
import { sendProblem } from '../http-error.filter';

export const WEBHOOK_PATH = '/webhooks/quickbooks';

/** body-parser's error `type`s, mapped to the gateway's codes; its messages quote the body, so they are never sent. */
function parserFailure(error: { type?: string }): GatewayError {
  switch (error.type) {
    case 'entity.too.large':
      return new GatewayError('PAYLOAD_TOO_LARGE', 'the body is larger than this endpoint accepts');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new GatewayError('UNSUPPORTED_MEDIA_TYPE', 'the body must be UTF-8 JSON');
    default:
      return new GatewayError('MALFORMED_JSON', 'the body is not valid JSON');
  }
}

/** A body is coming when it is chunked or has a non-zero length (clients send `content-length: 0` on bare POSTs). */
const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

const guarded =
  (parser: RequestHandler): RequestHandler =>
  (req, res, next) =>
    parser(req, res, (error?: unknown) => (error ? sendProblem(res, parserFailure(error as { type?: string })) : next()));

/**
 * Express-level body handling, mounted before Nest's routes:
 * - the webhook route keeps its raw bytes (the signature is over them, and re-serialised JSON would not verify);
 * - any other body must be JSON (415 otherwise, so form or text bodies never reach a handler as a half-parsed object);
 * - JSON is size-limited (413) and malformed JSON is a 400, all as problem+json.
 */
export function bodyParsing(options: { jsonLimitBytes: number; webhookLimitBytes: number }): RequestHandler[] {
  const raw = guarded(express.raw({ type: () => true, limit: options.webhookLimitBytes }));
  const json = guarded(express.json({ limit: options.jsonLimitBytes, strict: true, type: ['application/json', 'application/*+json'] }));
  const webhookBody: RequestHandler = (req, res, next) => (req.path === WEBHOOK_PATH ? raw(req, res, next) : next());
  const jsonOnly = (req: Request, res: Response, next: NextFunction) => {
    if (req.path === WEBHOOK_PATH || !hasBody(req)) return next();
    if (!req.is(['application/json', 'application/*+json'])) {
      return sendProblem(res, new GatewayError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json'));
    }
    return json(req, res, next);
  };
  // Named so Nest sees a JSON parser in place and does not add its own (100 kB) one behind it.
  Object.defineProperty(jsonOnly, 'name', { value: 'jsonParser' });
  return [webhookBody, jsonOnly];
}
