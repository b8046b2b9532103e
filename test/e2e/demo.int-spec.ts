import { ensureDebianPackages } from '@arbiter/dev-infra';
import Decimal from 'decimal.js';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './run-from-source';

/** `npm run demo` at size tiny, as a user runs it (the apps from source instead of their build): the whole cluster, end to end. */
describe('npm run demo --size tiny', () => {
  const out = mkdtempSync(join(tmpdir(), 'arbiter-demo-'));
  let exitCode: number | null = null;
  let stdout = '';
  let stderr = '';

  beforeAll(async () => {
    ensureDebianPackages(['poppler-utils'], 'this suite reads the audit PDF with pdftotext', () => spawnSync('pdftotext', ['-v']).status === 0);
    const child = spawn(process.execPath, [join(ROOT, 'tools', 'ts-run.cjs'), join(ROOT, 'tools', 'demo.ts'), '--size', 'tiny', '--seed', '7', '--out', out], {
      cwd: ROOT,
      // The jest setup's PostgreSQL and broker are not the demo's: it provides its own, as on a fresh machine.
      // The apps run from their TypeScript (the same code `npm run demo` builds first), so the suite needs no build.
      env: { ...process.env, DATABASE_URL: '', KAFKA_BROKERS: '', ARBITER_APPS_FROM: 'source' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    exitCode = await new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  }, 240_000); // about 60 s on a loaded 2-core machine
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const summary = () => JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  /** The printed aging table: `bucket  source  QuickBooks  difference` rows up to and including `total`. */
  const printedBuckets = () => {
    const lines = stdout.split('\n');
    const start = lines.findIndex((l) => /^bucket\s+source\s+QuickBooks\s+difference$/.test(l));
    const rows: string[][] = [];
    for (const line of lines.slice(start + 2)) {
      rows.push(line.trim().split(/\s{2,}/));
      if (line.startsWith('total')) break;
    }
    return rows.map(([bucket, ...amounts]) => ({ bucket, amounts: amounts.map((a) => new Decimal(a.replace(/,/g, ''))) }));
  };

  it('exits 0 and prints the summary', () => {
    if (exitCode !== 0) throw new Error(`the demo exited with ${exitCode}:\n${stderr.slice(-4000)}\n${stdout.slice(-2000)}`);
    expect(stdout).toMatch(/^A\/R aging as of 2026-11-30 \(run [0-9a-f-]{36}: OUT OF SYNC\)$/m);
    for (const heading of ['Problems by kind', 'Discrepancies by kind', 'Dead letters by reason', 'Audit verify: valid']) expect(stdout).toContain(heading);
  });

  it('prints figures that tie out: Σ source − Σ QuickBooks = Σ differences, to the cent, as the run says', () => {
    const rows = printedBuckets();
    expect(rows.map((r) => r.bucket)).toEqual(['current', '1-30', '31-60', '61-90', '91+', 'total']);
    const buckets = rows.slice(0, -1);
    const total = rows[rows.length - 1];
    const sum = (i: number) => buckets.reduce((s, r) => s.plus(r.amounts[i]), new Decimal(0));
    for (const r of rows) expect(r.amounts[0].minus(r.amounts[1]).toFixed(2)).toBe(r.amounts[2].toFixed(2));
    expect(sum(0).toFixed(2)).toBe(total.amounts[0].toFixed(2));
    expect(sum(1).toFixed(2)).toBe(total.amounts[1].toFixed(2));
    expect(sum(0).minus(sum(1)).toFixed(2)).toBe(sum(2).toFixed(2));
    expect(total.amounts[2].isZero()).toBe(false);
    const s = summary();
    expect(s.totals.difference).toBe(total.amounts[2].toFixed(2));
    expect(s.tieOut.holds).toBe(true);
  });

  it('shows what the QuickBooks users and the bad messages did: problems, discrepancies and dead letters by kind', () => {
    const s = summary();
    expect(s.problemsByKind).toMatchObject({ closed_period: 2, duplicate_name: expect.any(Number), duplicate_match: expect.any(Number) });
    expect(s.discrepanciesByKind).toMatchObject({ amount_mismatch: 1, voided_in_qbo: 1, missing_in_source: 1, missing_in_qbo: 3 });
    expect(s.discrepanciesByKind.balance_mismatch).toBeGreaterThanOrEqual(s.drift.paymentsReceived);
    expect(s.deadLettersByReason).toEqual({ invalid_json: 1, schema_violation: 2, unknown_event_type: 1, wrong_topic: 1 });
    expect(s.verify.valid).toBe(true);
  });

  it('writes the PDF and the CSV, and the PDF says what the summary says', () => {
    const s = summary();
    expect(stdout).toContain(`PDF: ${s.reports.pdf}`);
    expect(stdout).toContain(`CSV: ${s.reports.csv}`);
    expect(existsSync(s.reports.pdf) && existsSync(s.reports.csv)).toBe(true);
    expect(readFileSync(s.reports.pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const csv = readFileSync(s.reports.csv, 'utf8').trim().split('\n');
    const discrepancies = Object.values(s.discrepanciesByKind as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(csv.length).toBeGreaterThan(discrepancies); // a header, then one row per discrepancy

    const text = spawnSync('pdftotext', ['-layout', s.reports.pdf, '-'], { encoding: 'utf8' });
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('OUT OF SYNC');
    expect(text.stdout).toContain(s.runId);
    const totalRow = text.stdout.split('\n').find((l) => /^Total\s/.test(l));
    expect(totalRow?.trim().split(/\s+/).slice(1)).toEqual([s.totals.source, s.totals.qbo, s.totals.difference].map((a: string) => new Decimal(a).toFixed(2)));
  });

  it('hands out the very PDF whose hash the audit chain verifies', () => {
    const s = summary();
    expect(createHash('sha256').update(readFileSync(s.reports.pdf)).digest('hex')).toBe(s.verify.reportSha256);
    expect(stdout).toContain(`report SHA-256 ${s.verify.reportSha256}`);
  });
});
