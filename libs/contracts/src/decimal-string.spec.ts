import {
  DecimalString,
  MoneyString,
  RateString,
  fractionDigitsOf,
  integerDigitsOf,
  moneyDigitsProblem,
} from './decimal-string';

const messagesOf = (result: {
  success: boolean;
  error?: { issues: { message: string }[] };
}): string[] => result.error?.issues.map((issue) => issue.message) ?? [];

describe('DecimalString', () => {
  it.each(['1250.00', '-3.5', '980', '0', '-0.001', '007.50'])(
    'accepts %s',
    (value) => {
      expect(DecimalString.safeParse(value).success).toBe(true);
    },
  );

  it.each([
    '',
    '1.',
    '.5',
    '+1',
    '1e3',
    '1,000.00',
    ' 1',
    '1 ',
    '0x10',
    'NaN',
    '--1',
  ])('rejects %j', (value) => {
    expect(DecimalString.safeParse(value).success).toBe(false);
  });

  it('rejects a JSON number and says money must be a string', () => {
    const result = MoneyString.safeParse(1250);

    expect(result.success).toBe(false);
    expect(messagesOf(result)).toEqual([
      expect.stringMatching(/must be a JSON string .*not a JSON number/),
    ]);
  });

  it('rejects an absurdly long string before parsing it', () => {
    expect(DecimalString.safeParse('1'.repeat(41)).success).toBe(false);
  });
});

describe('MoneyString', () => {
  it('fits numeric(19,4): at most 15 integer digits', () => {
    expect(MoneyString.safeParse('999999999999999.99').success).toBe(true);
    expect(messagesOf(MoneyString.safeParse('-1000000000000000'))).toEqual([
      'money must have at most 15 integer digits',
    ]);
  });
});

describe('RateString', () => {
  it('allows 6 fraction digits and no more', () => {
    expect(RateString.safeParse('0.004512').success).toBe(true);
    expect(messagesOf(RateString.safeParse('0.0045123'))).toEqual([
      'rate must have at most 6 fraction digits',
    ]);
  });
});

describe(moneyDigitsProblem.name, () => {
  it.each([
    ['1250.00', 'USD'],
    ['1250', 'USD'],
    ['980', 'JPY'],
    ['1.234', 'KWD'],
    ['0.0001', 'CLF'],
  ] as const)('accepts %s %s', (value, currency) => {
    expect(moneyDigitsProblem(value, currency)).toBeUndefined();
  });

  it.each([
    ['1250.001', 'USD', 'USD allows at most 2'],
    ['980.5', 'JPY', 'JPY allows at most 0'],
    ['1.2345', 'BHD', 'BHD allows at most 3'],
  ] as const)('rejects %s %s', (value, currency, message) => {
    expect(moneyDigitsProblem(value, currency)).toContain(message);
  });
});

describe('digit counts', () => {
  it('counts integer and fraction digits without the sign', () => {
    expect(integerDigitsOf('-123.45')).toBe(3);
    expect(fractionDigitsOf('-123.45')).toBe(2);
    expect(fractionDigitsOf('980')).toBe(0);
  });
});
