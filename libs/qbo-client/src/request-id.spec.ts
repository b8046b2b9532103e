import { deriveRequestId, REQUEST_ID_LENGTH } from './request-id';

describe(deriveRequestId.name, () => {
  it('is deterministic for one logical write', () => {
    expect(deriveRequestId('create', 'Invoice', 'invoice:src-1:v3')).toBe(deriveRequestId('create', 'Invoice', 'invoice:src-1:v3'));
  });

  it('fits QuickBooks limits (50, and 36 for batch)', () => {
    const sut = deriveRequestId('create', 'Invoice', 'x'.repeat(5000));

    expect(sut).toHaveLength(REQUEST_ID_LENGTH);
    expect(sut.length).toBeLessThanOrEqual(36);
    expect(sut).toMatch(/^[0-9a-f]+$/);
  });

  it('differs per version, operation and entity', () => {
    const ids = new Set([
      deriveRequestId('create', 'Invoice', 'invoice:src-1:v3'),
      deriveRequestId('create', 'Invoice', 'invoice:src-1:v4'),
      deriveRequestId('void', 'Invoice', 'invoice:src-1:v3'),
      deriveRequestId('create', 'CreditMemo', 'invoice:src-1:v3'),
    ]);

    expect(ids.size).toBe(4);
  });

  it('requires a key', () => {
    expect(() => deriveRequestId('create', 'Invoice', '')).toThrow(TypeError);
  });
});
