import { Controller, Get, Injectable, Res } from '@nestjs/common';
import type { Response } from 'express';

export type HealthCheck = () => Promise<void> | void;

/** Collects readiness checks from the app's modules (database ping, broker connected, ...). */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  private draining = false;

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  /** Called on SIGTERM so load balancers stop sending traffic while in-flight work finishes. */
  markDraining(): void {
    this.draining = true;
  }

  async run(): Promise<{ ok: boolean; checks: Record<string, string> }> {
    const checks: Record<string, string> = {};
    let ok = !this.draining;
    for (const [name, check] of this.checks) {
      try {
        await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 2000 ms')), 2000).unref())]);
        checks[name] = 'up';
      } catch (error) {
        ok = false;
        checks[name] = `down: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    return { ok, checks };
  }
}

@Controller()
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Get('health')
  async health(@Res() res: Response): Promise<void> {
    const { ok, checks } = await this.registry.run();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', uptimeMs: Math.round(process.uptime() * 1000), checks });
  }
}
