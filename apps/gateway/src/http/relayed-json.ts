import type { Response } from 'express';

/** Sends a service's JSON bytes as the answer (see ServiceClient.relay). */
export function sendRelayedJson(res: Response, bytes: Buffer, status = 200): void {
  res.status(status).type('application/json').send(bytes);
}
