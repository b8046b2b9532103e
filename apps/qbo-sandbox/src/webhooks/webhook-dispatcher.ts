import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ChangeEvent } from '../company-store';
import { SandboxConfig } from '../config';
import { cloudEventsPayload, legacyPayload, signPayload } from './webhook-payloads';

export type WebhookSettings = SandboxConfig['webhooks'];

export interface DeliveryAttempt {
  at: string;
  status?: number;
  error?: string;
  durationMs: number;
}

export interface WebhookDelivery {
  id: string;
  url: string;
  format: WebhookSettings['format'];
  realmIds: string[];
  eventCount: number;
  body: string;
  headers: Record<string, string>;
  createdAt: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: DeliveryAttempt[];
  nextAttemptAt?: string;
}

/** Only the most recent deliveries are kept for inspection. */
const MAX_LOGGED_DELIVERIES = 1000;

/**
 * Sends change notifications to the configured endpoint. Changes are gathered for
 * `batchWindowMs`, then turned into deliveries (legacy: one per realm; CloudEvents: one array).
 * Deliveries go out one at a time, in order: a failed one (non-2xx, error, or no answer within
 * `timeoutMs`) is retried on the retry schedule and holds back the ones behind it, as Intuit
 * says ("you may not receive subsequent events … until you correctly acknowledge the first"),
 * until it succeeds or `maxAttempts` is reached.
 */
export class WebhookDispatcher {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private settings: WebhookSettings;
  private buffer: ChangeEvent[] = [];
  private bufferTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private readonly queue: WebhookDelivery[] = [];
  private readonly log: WebhookDelivery[] = [];
  private sending = false;
  private stopped = false;
  private idle: (() => void)[] = [];

  constructor(
    settings: WebhookSettings,
    private readonly isConnected: (realmId: string) => boolean,
  ) {
    this.settings = { ...settings };
  }

  get currentSettings(): Omit<WebhookSettings, 'verifierToken'> & { verifierTokenSet: boolean } {
    const { verifierToken, ...rest } = this.settings;
    return { ...rest, verifierTokenSet: !!verifierToken };
  }

  configure(partial: Partial<WebhookSettings>): void {
    this.settings = { ...this.settings, ...partial };
  }

  enqueue(events: ChangeEvent[]): void {
    if (this.stopped || !this.settings.url || events.length === 0) return;
    const wanted = this.settings.onlyConnectedRealms ? events.filter((e) => this.isConnected(e.realmId)) : events;
    if (wanted.length === 0) return;
    this.buffer.push(...wanted);
    if (!this.bufferTimer) {
      this.bufferTimer = setTimeout(() => this.cut(), this.settings.batchWindowMs);
      this.bufferTimer.unref();
    }
  }

  /** Sends what is buffered now and retries a waiting delivery at once. Resolves when the queue is idle. */
  async flush(): Promise<void> {
    this.cut();
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    void this.pump();
    if (!this.sending && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  deliveries(): WebhookDelivery[] {
    return this.log.map((d) => ({ ...d, attempts: [...d.attempts] }));
  }

  clearLog(): void {
    this.log.length = 0;
  }

  /** Drops buffered and queued notifications (sandbox reset). */
  discardPending(): void {
    if (this.bufferTimer) clearTimeout(this.bufferTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.bufferTimer = undefined;
    this.retryTimer = undefined;
    this.buffer = [];
    for (const d of this.queue) d.state = 'failed';
    this.queue.length = 0;
    this.resolveIdle();
  }

  stop(): void {
    this.stopped = true;
    this.discardPending();
  }

  /** Turns the buffered changes into deliveries. */
  private cut(): void {
    if (this.bufferTimer) clearTimeout(this.bufferTimer);
    this.bufferTimer = undefined;
    const events = this.buffer;
    this.buffer = [];
    const { url, verifierToken, format } = this.settings;
    if (events.length === 0 || !url) return;
    const bodies: { body: string; realmIds: string[]; count: number }[] = [];
    if (format === 'cloudevents') {
      bodies.push({
        body: JSON.stringify(cloudEventsPayload(events, verifierToken ?? '')),
        realmIds: [...new Set(events.map((e) => e.realmId))],
        count: events.length,
      });
    } else {
      const byRealm = new Map<string, ChangeEvent[]>();
      for (const e of events) {
        const list = byRealm.get(e.realmId);
        if (list) list.push(e);
        else byRealm.set(e.realmId, [e]);
      }
      for (const [realmId, list] of byRealm) bodies.push({ body: JSON.stringify(legacyPayload(realmId, list)), realmIds: [realmId], count: list.length });
    }
    for (const { body, realmIds, count } of bodies) {
      const delivery: WebhookDelivery = {
        id: randomUUID(),
        url,
        format,
        realmIds,
        eventCount: count,
        body,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'intuit-signature': signPayload(body, verifierToken ?? ''),
          'intuit-created-time': new Date().toISOString(),
          'intuit-t-id': randomUUID(),
          'intuit-notification-schema-version': '0.1',
          'user-agent': 'intuit_notification_server/0.1',
        },
        createdAt: new Date().toISOString(),
        state: 'pending',
        attempts: [],
      };
      this.queue.push(delivery);
      this.log.push(delivery);
      if (this.log.length > MAX_LOGGED_DELIVERIES) this.log.shift();
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.sending || this.retryTimer || this.stopped) return;
    const head = this.queue[0];
    if (!head) {
      this.resolveIdle();
      return;
    }
    this.sending = true;
    const ok = await this.attempt(head);
    this.sending = false;
    if (this.queue[0] !== head) return void this.pump(); // discarded meanwhile
    if (ok) {
      head.state = 'delivered';
      head.nextAttemptAt = undefined;
      this.queue.shift();
      return void this.pump();
    }
    if (head.attempts.length >= this.settings.maxAttempts) {
      head.state = 'failed';
      head.nextAttemptAt = undefined;
      this.queue.shift();
      this.logger.warn(`webhook delivery dropped id=${head.id} attempts=${head.attempts.length}`);
      return void this.pump();
    }
    const schedule = this.settings.retryScheduleMs;
    const delayMs = schedule[Math.min(head.attempts.length - 1, schedule.length - 1)];
    head.nextAttemptAt = new Date(Date.now() + delayMs).toISOString();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.pump();
    }, delayMs);
    this.retryTimer.unref();
    this.resolveIdle();
  }

  private async attempt(delivery: WebhookDelivery): Promise<boolean> {
    const started = Date.now();
    try {
      const res = await fetch(delivery.url, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      delivery.attempts.push({ at: new Date(started).toISOString(), status: res.status, durationMs: Date.now() - started });
      return res.status >= 200 && res.status < 300;
    } catch (e) {
      const error = e instanceof Error ? (e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message) : String(e);
      delivery.attempts.push({ at: new Date(started).toISOString(), error, durationMs: Date.now() - started });
      return false;
    }
  }

  private resolveIdle(): void {
    const waiting = this.idle;
    this.idle = [];
    for (const resolve of waiting) resolve();
  }
}
