import { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { stringifyExactJson } from '../json/exact-json';

/** Request bodies beyond this are refused; a 30-item batch of large invoices stays well below it. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** The express request as Nest hands it over, possibly already through its body parsers. */
export type SandboxRequest = IncomingMessage & { originalUrl?: string; rawBody?: Buffer; body?: unknown; _body?: boolean };

export class BodyTooLargeError extends Error {}

/**
 * The request body as exact text. Prefers the untouched bytes: Nest's `rawBody` when its JSON or
 * form parser already consumed the stream, else the stream itself (application/text queries are
 * never parsed by Nest). If a host parsed JSON without keeping the raw body, the parsed value is
 * re-serialized — numbers then went through floats, so hosts must enable `rawBody`.
 */
export async function readBodyText(req: SandboxRequest): Promise<string> {
  if (Buffer.isBuffer(req.rawBody)) return req.rawBody.toString('utf8');
  if (req._body === true || req.readableEnded) {
    if (req.body === undefined || req.body === null) return '';
    if (typeof req.body === 'string') return req.body;
    if (Buffer.isBuffer(req.body)) return req.body.toString('utf8');
    if (typeof req.body === 'object' && Object.keys(req.body).length === 0) return '';
    return JSON.stringify(req.body);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError(`request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Intuit's transaction id header; support asks for it (reference §1.1). */
export function intuitTid(): string {
  return `1-${randomBytes(12).toString('hex')}`;
}

export function sendText(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(res, status, stringifyExactJson(body), 'application/json;charset=UTF-8', headers);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
