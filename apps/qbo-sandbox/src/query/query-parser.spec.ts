import { QboFault } from '../qbo-fault';
import { parseQuery } from './query-parser';

const faultOf = (text: string): QboFault => {
  try {
    parseQuery(text);
  } catch (e) {
    if (e instanceof QboFault) return e;
  }
  throw new Error(`expected a fault for ${text}`);
};

describe(parseQuery.name, () => {
  it('parses the whole grammar', () => {
    const sut = parseQuery("SELECT * FROM Invoice WHERE TotalAmt >= '10.5' AND CustomerRef IN ('1', '2') and DocNumber LIKE 'A%' ORDERBY TxnDate DESC, Id STARTPOSITION 11 MAXRESULTS 10");
    expect(sut).toEqual({
      count: false,
      entity: 'Invoice',
      conditions: [
        { field: 'TotalAmt', op: '>=', values: [{ kind: 'string', text: '10.5' }] },
        { field: 'CustomerRef', op: 'IN', values: [{ kind: 'string', text: '1' }, { kind: 'string', text: '2' }] },
        { field: 'DocNumber', op: 'LIKE', values: [{ kind: 'string', text: 'A%' }] },
      ],
      orderBy: [
        { field: 'TxnDate', descending: true },
        { field: 'Id', descending: false },
      ],
      startPosition: 11,
      maxResults: 10,
    });
  });

  it('reads COUNT(*), numbers, booleans, CURRENT_DATE and "order by"', () => {
    expect(parseQuery('select count(*) from Customer').count).toBe(true);
    const q = parseQuery('select * from Customer where Active = true and Balance > 12.5 and MetaData.CreateTime < CURRENT_DATE order by DisplayName');
    expect(q.conditions.map((c) => c.values[0])).toEqual([{ kind: 'boolean', value: true }, { kind: 'number', text: '12.5' }, { kind: 'current_date' }]);
    expect(q.orderBy).toEqual([{ field: 'DisplayName', descending: false }]);
  });

  it('unescapes \\\' and \\\\ inside quoted values', () => {
    const q = parseQuery("select * from Customer where DisplayName = 'Adam\\'s \\\\ Shop'");
    expect(q.conditions[0].values[0]).toEqual({ kind: 'string', text: "Adam's \\ Shop" });
  });

  it('reports the first unexpected token like QuickBooks (4000)', () => {
    const f = faultOf("select * from Customer where DisplayName = 'Adam's Candy Shop'");
    expect(f.code).toBe('4000');
    expect(f.errors[0].Detail).toBe(
      'QueryParserError: Encountered " <IDENTIFIER> "s "" at line 1, column 50. Was expecting one of: <EOF> <AND> "iterator" "maxresults" "order" "orderby" "startposition"',
    );
    expect(faultOf('select * from Invoice where a = 1 or b = 2').code).toBe('4000');
    expect(faultOf('select Id, DocNumber from Invoice').code).toBe('4000');
    expect(faultOf('select * from Invoice where TotalAmt > ').code).toBe('4000');
    expect(faultOf('select * from Customer where DisplayName = \u2019x\u2019').errors[0].Detail).toMatch(/Lexical error at line 1, column 44/);
  });
});
