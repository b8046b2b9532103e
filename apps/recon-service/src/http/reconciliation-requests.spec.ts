import { ReconError } from '../errors';
import { cursors } from '../reconciliation/cursors';
import { DiscrepancyQuery, parseRequest, StartReconciliationBody } from './reconciliation-requests';
import { z } from 'zod';

const errorsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ReconError);
    return (error as ReconError).errors;
  }
  throw new Error('expected a ReconError');
};

describe(parseRequest.name, () => {
  it('accepts a minimal and a full start request', () => {
    expect(parseRequest(StartReconciliationBody, { asOf: '2026-10-31' })).toEqual({ asOf: '2026-10-31' });
    expect(parseRequest(StartReconciliationBody, { asOf: '2026-10-31', agingBasis: 'issue_date', agingPeriodDays: 15, agingPeriods: 6, tolerance: '0.01', currency: 'EUR' })).toMatchObject({ agingPeriods: 6 });
  });

  it('names every bad field, unknown ones included', () => {
    const errors = errorsOf(() => parseRequest(StartReconciliationBody, { asOf: '31/10/2026', agingPeriods: 13, currency: 'XYZ', extra: 1 }));
    expect(errors.map((e) => e.field).sort()).toEqual(['agingPeriods', 'asOf', 'currency', 'extra']);
  });

  it('says a missing body is a missing asOf', () => {
    expect(errorsOf(() => parseRequest(StartReconciliationBody, undefined))).toEqual([{ field: 'asOf', message: expect.stringContaining('required') }]);
  });

  it('prefixes query fields', () => {
    expect(errorsOf(() => parseRequest(DiscrepancyQuery, { kind: 'nope', limit: '501' }, 'query')).map((e) => e.field)).toEqual(['query.kind', 'query.limit']);
    expect(parseRequest(DiscrepancyQuery, {}, 'query')).toEqual({ limit: 50 });
  });
});

describe('cursors', () => {
  const Position = z.object({ seq: z.int() });

  it('round-trips a position', () => {
    expect(cursors.decode(cursors.encode({ seq: 41 }), Position)).toEqual({ seq: 41 });
  });

  it('refuses a cursor it did not issue', () => {
    expect(() => cursors.decode('bm90IGpzb24', Position)).toThrow(/not a cursor from this API/);
  });
});
