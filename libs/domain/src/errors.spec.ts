import { CurrencyMismatch, DomainError } from './errors';

describe(DomainError.name, () => {
  it('carries its code as name and code', () => {
    const sut = new DomainError('INVALID_DATE', 'bad date');

    expect(sut).toBeInstanceOf(Error);
    expect(sut.name).toBe('INVALID_DATE');
    expect(sut.code).toBe('INVALID_DATE');
    expect(sut.message).toBe('bad date');
  });
});

describe(CurrencyMismatch.name, () => {
  it('is a DomainError naming both currencies', () => {
    const sut = new CurrencyMismatch('USD', 'EUR', 'add');

    expect(sut).toBeInstanceOf(DomainError);
    expect(sut.code).toBe('CURRENCY_MISMATCH');
    expect(sut.message).toBe('cannot add USD and EUR amounts');
    expect([sut.expected, sut.actual]).toEqual(['USD', 'EUR']);
  });
});
