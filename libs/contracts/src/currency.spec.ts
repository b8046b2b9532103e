import {
  CurrencyCodes,
  CurrencyMinorUnits,
  isCurrencyCode,
  minorUnitsOf,
} from './currency';

describe('currency', () => {
  it('knows the whole ISO 4217 list with minor units', () => {
    expect(CurrencyCodes.length).toBeGreaterThanOrEqual(165);
    expect(CurrencyCodes.every((code) => /^[A-Z]{3}$/.test(code))).toBe(true);
  });

  it.each([
    'JPY',
    'KRW',
    'CLP',
    'VND',
    'ISK',
    'XAF',
    'XOF',
    'XPF',
    'PYG',
    'UGX',
    'BIF',
    'DJF',
    'GNF',
    'KMF',
    'RWF',
    'VUV',
    'UYI',
  ] as const)('%s has no minor unit', (code) => {
    expect(minorUnitsOf(code)).toBe(0);
  });

  it.each(['BHD', 'KWD', 'OMR', 'JOD', 'TND', 'LYD', 'IQD'] as const)(
    '%s has 3 minor digits',
    (code) => {
      expect(minorUnitsOf(code)).toBe(3);
    },
  );

  it.each(['CLF', 'UYW'] as const)('%s has 4 minor digits', (code) => {
    expect(minorUnitsOf(code)).toBe(4);
  });

  it.each([
    'USD',
    'EUR',
    'GBP',
    'CAD',
    'AUD',
    'INR',
    'XCG',
    'ZWG',
    'SLE',
    'VED',
  ] as const)('%s has 2 minor digits', (code) => {
    expect(minorUnitsOf(code)).toBe(2);
  });

  it('leaves out codes without a minor unit (metals, XDR, test and no-currency codes)', () => {
    for (const code of [
      'XAU',
      'XAG',
      'XPT',
      'XPD',
      'XDR',
      'XTS',
      'XXX',
      'XBA',
      'XSU',
      'XUA',
    ]) {
      expect(isCurrencyCode(code)).toBe(false);
    }
  });

  it('rejects lower case, withdrawn-long-ago and prototype keys', () => {
    expect(isCurrencyCode('usd')).toBe(false);
    expect(isCurrencyCode('DEM')).toBe(false);
    expect(isCurrencyCode('HRK')).toBe(false);
    expect(isCurrencyCode('toString')).toBe(false);
    expect(Object.keys(CurrencyMinorUnits)).not.toContain('constructor');
  });
});
