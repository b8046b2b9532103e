import { Money } from '@arbiter/domain';
import { toQboLines } from './qbo-documents';

describe(toQboLines.name, () => {
  const itemRefs = new Map([
    ['i-1', '11'],
    ['i-2', '12'],
  ]);

  it('ties the QuickBooks total to the platform total with line and document discounts', () => {
    const sut = toQboLines({
      currency: 'USD',
      itemRefs,
      discountTotal: '5.00',
      lines: [
        { id: 'l1', itemId: 'i-1', quantity: '3', unitPrice: '33.33', discountAmount: '0.99', amount: '99.00' },
        { id: 'l2', itemId: 'i-2', quantity: '1.5', unitPrice: '10.01', amount: '15.02' },
      ],
    });
    expect(sut.lines.map((l) => [l.DetailType, l.Amount])).toEqual([
      ['SalesItemLineDetail', '99.99'],
      ['SalesItemLineDetail', '15.02'],
      ['DiscountLineDetail', '5.99'],
    ]);
    expect(sut.total.equals(Money.parse('109.02', 'USD'))).toBe(true); // 99.00 + 15.02 − 5.00
    expect(sut.lines[0].SalesItemLineDetail).toEqual({ ItemRef: { value: '11' }, Qty: '3', UnitPrice: '33.33' });
  });

  it('renders charge sets through the description template and leaves other lines alone', () => {
    const sut = toQboLines({
      currency: 'USD',
      itemRefs,
      chargeSets: [{ name: 'October rent', lineIds: ['l1'] }],
      descriptionTemplate: '[{chargeSet}] {description}',
      lines: [
        { id: 'l1', itemId: 'i-1', description: 'Unit 4B', quantity: '1', unitPrice: '1200.00', amount: '1200.00' },
        { id: 'l2', itemId: 'i-2', description: 'Parking', quantity: '1', unitPrice: '50.00', amount: '50.00' },
      ],
    });
    expect(sut.lines.map((l) => l.Description)).toEqual(['[October rent] Unit 4B', 'Parking']);
    expect(sut.lines).toHaveLength(2);
  });

  it('refuses to build a line whose item has no QuickBooks id', () => {
    expect(() => toQboLines({ currency: 'USD', itemRefs, lines: [{ id: 'l', itemId: 'nope', quantity: '1', unitPrice: '1', amount: '1' }] })).toThrow(/no QuickBooks item/);
  });
});
