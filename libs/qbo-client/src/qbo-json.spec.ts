import { fixtureText } from './__fixtures__/fake-http-server';
import type { Invoice, Term } from './qbo-entities';
import { isDecimalText, parseQboJson, stringifyQboJson } from './qbo-json';

describe('parseQboJson', () => {
  it('keeps money text exactly, beyond double precision', () => {
    const sut = parseQboJson('{"Invoice":{"TotalAmt":12345678901234.56,"Balance":0.30000000000000004,"Deposit":0}}') as { Invoice: Invoice };

    expect(sut.Invoice.TotalAmt).toBe('12345678901234.56');
    expect(sut.Invoice.Balance).toBe('0.30000000000000004');
    expect(sut.Invoice.Deposit).toBe('0');
  });

  it('keeps the trailing zeros QuickBooks wrote (100.0 stays "100.0")', () => {
    const sut = parseQboJson(fixtureText('invoice-create-response.json')) as { Invoice: Invoice };

    expect(sut.Invoice.TotalAmt).toBe('100.0');
    expect(sut.Invoice.Line[0].Amount).toBe('100.0');
    expect(sut.Invoice.TxnTaxDetail?.TotalTax).toBe('0');
  });

  it('turns exponent notation into plain decimal text without a double in between', () => {
    const sut = parseQboJson('{"Amount":1.2345678901234567e3,"Qty":1E-7}') as Record<string, string>;

    expect(sut['Amount']).toBe('1234.5678901234567');
    expect(sut['Qty']).toBe('0.0000001');
  });

  it('leaves counts and positions as numbers, and strings as strings', () => {
    const sut = parseQboJson('{"QueryResponse":{"startPosition":1,"maxResults":2,"totalCount":2},"Term":{"DueDays":60,"DiscountPercent":0},"Id":"238"}') as {
      QueryResponse: Record<string, number>;
      Term: Term;
      Id: string;
    };

    expect(sut.QueryResponse).toEqual({ startPosition: 1, maxResults: 2, totalCount: 2 });
    expect(sut.Term.DueDays).toBe(60);
    expect(sut.Term.DiscountPercent).toBe('0');
    expect(sut.Id).toBe('238');
  });

  it('turns numbers under unknown keys into text too, so unexpected money is never rounded', () => {
    const sut = parseQboJson('{"SomeNewAmount":99999999999999999.99}') as Record<string, unknown>;

    expect(sut['SomeNewAmount']).toBe('99999999999999999.99');
  });
});

describe('stringifyQboJson', () => {
  it('sends decimal strings as JSON numbers with exactly the same text', () => {
    const sut = stringifyQboJson({ TotalAmt: '12345678901234.56', Line: [{ Amount: '0.30000000000000004', DetailType: 'SalesItemLineDetail' }] });

    expect(sut).toBe('{"TotalAmt":12345678901234.56,"Line":[{"Amount":0.30000000000000004,"DetailType":"SalesItemLineDetail"}]}');
  });

  it('round-trips money text through parse and stringify unchanged', () => {
    const text = '{"Amount":12345678901234.56,"UnitPrice":0.1,"Qty":3,"DocNumber":"0012"}';

    expect(stringifyQboJson(parseQboJson(text))).toBe(text);
  });

  it('leaves strings under other keys quoted (ids, doc numbers, sync tokens)', () => {
    expect(stringifyQboJson({ Id: '238', SyncToken: '0', DocNumber: '1069' })).toBe('{"Id":"238","SyncToken":"0","DocNumber":"1069"}');
  });

  it('refuses a JS number where money is expected', () => {
    expect(() => stringifyQboJson({ Amount: 0.1 + 0.2 })).toThrow(/must be a decimal string/);
  });

  it('refuses money text that is not plain decimal', () => {
    expect(() => stringifyQboJson({ TotalAmt: '1e3' })).toThrow(TypeError);
    expect(() => stringifyQboJson({ TotalAmt: '12,50' })).toThrow(TypeError);
    expect(() => stringifyQboJson({ TotalAmt: ' 1' })).toThrow(TypeError);
  });
});

describe('isDecimalText', () => {
  it.each([
    ['12.50', true],
    ['-3.5', true],
    ['0', true],
    ['1.', false],
    ['.5', false],
    ['+1', false],
    ['NaN', false],
  ])('%s -> %s', (value, expected) => {
    expect(isDecimalText(value)).toBe(expected);
  });
});
