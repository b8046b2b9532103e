import { buildDocumentLine, documentTotal } from './document-line.builder';

describe(buildDocumentLine.name, () => {
  it('computes the amount by the contract rule: quantity × unitPrice rounded half-up, minus the discount', () => {
    expect(
      buildDocumentLine({ quantity: '3', unitPrice: '0.125' }).amount,
    ).toBe('0.38');
    expect(
      buildDocumentLine({
        quantity: '7.5',
        unitPrice: '175.00',
        discountAmount: '100.00',
      }).amount,
    ).toBe('1212.50');
    expect(
      buildDocumentLine({ quantity: '3', unitPrice: '333.333' }, 'JPY').amount,
    ).toBe('1000');
  });

  it('keeps an overridden amount, to build a bad line on purpose', () => {
    expect(
      buildDocumentLine({ quantity: '2', unitPrice: '10.00', amount: '19.99' })
        .amount,
    ).toBe('19.99');
  });

  it('numbers lines by position unless an id is given', () => {
    expect(buildDocumentLine({}, 'USD', 2).id).toBe('line-3');
    expect(buildDocumentLine({ id: 'x' }, 'USD', 2).id).toBe('x');
  });
});

describe(documentTotal.name, () => {
  it('sums line amounts exactly and subtracts the discount', () => {
    const lines = [
      buildDocumentLine({ quantity: '1', unitPrice: '0.10' }),
      buildDocumentLine({ quantity: '1', unitPrice: '0.20' }),
    ];

    expect(documentTotal(lines, 'USD')).toBe('0.30');
    expect(documentTotal(lines, 'USD', '0.05')).toBe('0.25');
  });
});
