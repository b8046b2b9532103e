import {
  formatUnits,
  multiplyScaled,
  parseScaled,
  roundHalfUp,
  unitsAt,
} from './scaled-decimal';

describe('scaled decimal', () => {
  it.each([
    ['1250.00', 125000n, 2],
    ['-3.5', -35n, 1],
    ['980', 980n, 0],
    ['0.001', 1n, 3],
    ['-0', 0n, 0],
  ])('parses %s exactly', (text, units, scale) => {
    const sut = parseScaled(text);

    expect(sut).toEqual({ units, scale });
  });

  it('adds 0.1 and 0.2 to exactly 0.3, unlike a JS number', () => {
    const sum = unitsAt(parseScaled('0.1'), 2) + unitsAt(parseScaled('0.2'), 2);

    expect(formatUnits(sum, 2)).toBe('0.30');
  });

  it('refuses to rescale down, which would lose digits', () => {
    expect(() => unitsAt(parseScaled('1.005'), 2)).toThrow(RangeError);
  });

  it('multiplies beyond float precision exactly', () => {
    const sut = multiplyScaled(
      parseScaled('123456789012345.6789'),
      parseScaled('1000000.000001'),
    );

    expect(formatUnits(sut.units, sut.scale)).toBe(
      '123456789012469135689.0123456789',
    );
  });

  it.each([
    ['2.345', 2, 235n],
    ['2.344', 2, 234n],
    ['-2.345', 2, -235n],
    ['-2.344', 2, -234n],
    ['0.5', 0, 1n],
    ['-0.5', 0, -1n],
    ['1.25', 4, 12500n],
  ])(
    'rounds %s half-up (ties away from zero) to %i digits',
    (text, scale, expected) => {
      expect(roundHalfUp(parseScaled(text), scale)).toBe(expected);
    },
  );

  it.each([
    [0n, 2, '0.00'],
    [-5n, 2, '-0.05'],
    [123n, 0, '123'],
    [-123456n, 3, '-123.456'],
  ])('formats %s at scale %i as %s', (units, scale, expected) => {
    expect(formatUnits(units, scale)).toBe(expected);
  });
});
