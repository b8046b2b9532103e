import { QboClientUsageError } from './qbo-errors';
import { likePattern, qboQuery, QboQuery, quoteQueryValue } from './query-builder';

describe(QboQuery.name, () => {
  it('builds a full statement', () => {
    const sut = qboQuery('Invoice')
      .where('CustomerRef', '=', '123')
      .where('TxnDate', '>=', '2026-01-01')
      .where('Balance', '>', '0.00')
      .orderBy('MetaData.LastUpdatedTime', 'DESC');

    expect(sut.toStatement({ startPosition: 1001, maxResults: 1000 })).toBe(
      "SELECT * FROM Invoice WHERE CustomerRef = '123' AND TxnDate >= '2026-01-01' AND Balance > '0.00' " +
        'ORDERBY MetaData.LastUpdatedTime DESC STARTPOSITION 1001 MAXRESULTS 1000',
    );
  });

  it('escapes quotes and backslashes in values', () => {
    const sut = qboQuery('Customer').where('DisplayName', '=', "Adam's Candy \\ Shop");

    expect(sut.toStatement()).toBe("SELECT * FROM Customer WHERE DisplayName = 'Adam\\'s Candy \\\\ Shop'");
  });

  it('keeps an injection attempt inside one quoted literal', () => {
    const attack = "x' OR DisplayName LIKE '%";
    const sut = qboQuery('Customer').where('DisplayName', '=', attack).toStatement();

    expect(sut).toBe("SELECT * FROM Customer WHERE DisplayName = 'x\\' OR DisplayName LIKE \\'%'");
    // Unescaped quotes (not preceded by a backslash) are exactly the two delimiters.
    expect(sut.match(/(?<!\\)'/g)).toHaveLength(2);
  });

  it('cannot be broken out of with a trailing backslash', () => {
    const sut = quoteQueryValue("tail\\");

    expect(sut).toBe("'tail\\\\'");
  });

  it('renders IN lists and booleans', () => {
    const sut = qboQuery('Customer').where('Active', 'IN', [true, false]).where('Id', 'IN', ['1', "2'"]);

    expect(sut.toStatement()).toBe("SELECT * FROM Customer WHERE Active IN (true, false) AND Id IN ('1', '2\\'')");
  });

  it('renders COUNT without order or paging', () => {
    expect(qboQuery('Invoice').where('Balance', '>', '0').orderBy('Id').toCountStatement()).toBe("SELECT COUNT(*) FROM Invoice WHERE Balance > '0'");
  });

  it('is immutable', () => {
    const base = qboQuery('Item');
    base.where('Name', '=', 'x');

    expect(base.toStatement()).toBe('SELECT * FROM Item');
  });

  it.each([
    ['property', () => qboQuery('Customer').where("DisplayName = 'x' OR Id", '=', 'y')],
    ['property with spaces', () => qboQuery('Customer').orderBy('Id DESC, Name')],
    ['operator', () => qboQuery('Customer').where('Id', 'OR' as never, '1')],
    ['empty IN', () => qboQuery('Customer').where('Id', 'IN', [])],
    ['list for =', () => qboQuery('Customer').where('Id', '=', ['1'])],
    ['control character', () => qboQuery('Customer').where('DisplayName', '=', 'a\nb')],
    ['NaN', () => qboQuery('Customer').where('Id', '=', Number.NaN)],
    ['entity', () => QboQuery.from('Invoice; DROP' as never)],
    ['page size over 1000', () => qboQuery('Customer').toStatement({ startPosition: 1, maxResults: 1001 })],
    ['start position 0', () => qboQuery('Customer').toStatement({ startPosition: 0, maxResults: 10 })],
  ])('refuses a bad %s', (_what, build) => {
    expect(build).toThrow(QboClientUsageError);
  });

  it('makes LIKE patterns from literal text and refuses a literal %', () => {
    expect(qboQuery('Customer').where('DisplayName', 'LIKE', likePattern.startsWith("O'Brien")).toStatement()).toBe(
      "SELECT * FROM Customer WHERE DisplayName LIKE 'O\\'Brien%'",
    );
    expect(likePattern.contains('ab')).toBe('%ab%');
    expect(likePattern.endsWith('ab')).toBe('%ab');
    expect(() => likePattern.contains('100%')).toThrow(QboClientUsageError);
  });
});
