import { Inject, Injectable } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log';
import type { Principal } from '../auth/principal';
import { type ServiceClient, type StreamedAnswer, RECON_SERVICE } from '../upstream/service-client';

export interface Verification {
  /** The report verifies AND the tenant's audit chain verifies AND the hash matches the one first verified. */
  valid: boolean;
  reportSha256: string | null;
  chainHead: string;
  report: { valid: boolean; reportSha256: string | null; dataSha256: string | null; matchesFirstVerified: boolean | null; checks?: unknown };
  chain: { valid: boolean; length: number; brokenAt?: number; reason?: string };
}

type ReconVerify = { valid?: unknown; reportSha256?: unknown; dataSha256?: unknown; checks?: unknown };

const hex = (v: unknown): string | null => (typeof v === 'string' && /^[0-9a-f]{64}$/i.test(v) ? v.toLowerCase() : null);

/** Reconciliation runs: asked of the recon-service; starts, downloads and verifications are audited. */
@Injectable()
export class Reconciliations {
  constructor(
    @Inject(RECON_SERVICE) private readonly recon: ServiceClient,
    private readonly audit: AuditLog,
  ) {}

  start(caller: Principal, body: { asOf: string } & Record<string, unknown>): Promise<{ id: string }> {
    return this.audit.recorded(caller, { action: 'reconciliation.started', targetType: 'reconciliation', request: body }, () =>
      this.recon.json<{ id: string }>({ method: 'POST', tenantId: caller.tenantId, path: ['reconciliations'], body, actor: caller }),
    );
  }

  // Reads are relayed as the recon-service's JSON bytes (ServiceClient.relay).
  list(caller: Principal, query: Record<string, string | number | undefined>): Promise<Buffer> {
    return this.recon.relay({ method: 'GET', tenantId: caller.tenantId, path: ['reconciliations'], query, actor: caller });
  }

  run(caller: Principal, id: string, allCustomers: boolean): Promise<Buffer> {
    return this.recon.relay({ method: 'GET', tenantId: caller.tenantId, path: ['reconciliations', id], query: allCustomers ? { allCustomers: 'true' } : {}, actor: caller });
  }

  discrepancies(caller: Principal, id: string, query: Record<string, string | number | undefined>): Promise<Buffer> {
    return this.recon.relay({ method: 'GET', tenantId: caller.tenantId, path: ['reconciliations', id, 'discrepancies'], query, actor: caller });
  }

  /** The stored bytes, streamed through unchanged; who downloaded which hash goes in the audit chain. */
  async report(caller: Principal, id: string, format: 'pdf' | 'csv'): Promise<StreamedAnswer> {
    const answer = await this.recon.stream({ method: 'GET', tenantId: caller.tenantId, path: ['reconciliations', id, `report.${format}`], actor: caller });
    await this.audit.append(caller, {
      action: 'reconciliation.report_downloaded',
      targetType: 'reconciliation',
      targetId: id,
      after: { format, sha256: answer.headers['x-content-sha256'] ?? null },
      outcome: 'ok',
    });
    return answer;
  }

  /**
   * Recomputes the report's hash (recon-service) and the tenant's audit chain (here). The first successful
   * verification of a run records its report hash in the chain; a later one that differs is invalid, so a
   * report replaced together with its stored hash is still caught.
   */
  async verify(caller: Principal, id: string): Promise<Verification> {
    const answer = await this.recon.json<ReconVerify>({ method: 'GET', tenantId: caller.tenantId, path: ['reconciliations', id, 'verify'], actor: caller });
    const reportSha256 = hex(answer.reportSha256);
    const reportValid = answer.valid === true && reportSha256 !== null;
    const first = (await this.audit.firstAfter(caller.tenantId, 'reconciliation', id, 'reconciliation.verified')) as { reportSha256?: string; valid?: boolean } | undefined;
    const sealed = first?.valid === true && typeof first.reportSha256 === 'string' ? first.reportSha256 : null;
    const matchesFirstVerified = sealed === null ? null : sealed === reportSha256;
    const chain = await this.audit.verify(caller.tenantId);
    const valid = reportValid && chain.valid && matchesFirstVerified !== false;
    const result: Verification = {
      valid,
      reportSha256,
      chainHead: chain.head,
      report: { valid: reportValid, reportSha256, dataSha256: hex(answer.dataSha256), matchesFirstVerified, ...(answer.checks && typeof answer.checks === 'object' ? { checks: answer.checks } : {}) },
      chain: { valid: chain.valid, length: chain.length, ...(chain.valid ? {} : { brokenAt: chain.brokenAt, reason: chain.reason }) },
    };
    await this.audit.append(caller, {
      action: 'reconciliation.verified',
      targetType: 'reconciliation',
      targetId: id,
      after: { valid: reportValid && matchesFirstVerified !== false, reportSha256, chainValid: chain.valid, chainHead: chain.head },
      outcome: 'ok',
    });
    return result;
  }
}
