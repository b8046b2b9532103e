import { Money, reconcile, type Reconciliation } from '@arbiter/domain';
import type { Sql } from '../database';
import { RunFailure } from '../errors';
import { compareRun } from './compare-run';
import type { RunRow } from './run-store';

jest.mock('@arbiter/domain', () => ({ ...jest.requireActual('@arbiter/domain'), reconcile: jest.fn() }));

const usd = (text: string) => Money.parse(text, 'USD');
const emptySnapshot: Sql = async () => [] as never[];
const run = { id: 'r1', currency: 'USD', tolerance: '0.0000', asOf: '2026-10-31', agingBasis: 'due_date', periodDays: 30, periodCount: 4, inSyncPoint: null, checkpoint: {}, qboReport: null } as unknown as RunRow;

describe(compareRun.name, () => {
  it('fails the run loudly, with every violation, when the totals do not tie out', async () => {
    jest.mocked(reconcile).mockReturnValue({
      buckets: [{ bucket: 'current', source: usd('10.00'), qbo: usd('4.00'), difference: usd('6.01') }],
      violations: [{ total: 'bucket current difference', expected: usd('6.00'), actual: usd('6.01'), message: 'bucket current difference is 6.01, should be 6.00 (off by 0.01)' }],
    } as unknown as Reconciliation);

    const sut = compareRun(emptySnapshot, run);

    await expect(sut).rejects.toBeInstanceOf(RunFailure);
    await expect(sut).rejects.toMatchObject({
      code: 'TIE_OUT_VIOLATION',
      message: expect.stringContaining('off by 0.01'),
      details: {
        violations: [{ total: 'bucket current difference', expected: '6.00', actual: '6.01', message: expect.any(String) }],
        buckets: [{ bucket: 'current', source: '10.00', qbo: '4.00', difference: '6.01' }],
      },
    });
  });
});
