import { bearerTokenMatches } from './bearer-token';

describe(bearerTokenMatches.name, () => {
  const token = 's3cret-internal-token';

  it('accepts exactly the expected bearer token', () => {
    expect(bearerTokenMatches(`Bearer ${token}`, token)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['the token without the Bearer scheme', token],
    ['another scheme', `Basic ${token}`],
    ['a token one character off', `Bearer ${token.slice(0, -1)}X`],
    ['a prefix of the token', `Bearer ${token.slice(0, 5)}`],
    ['the token with a suffix', `Bearer ${token}x`],
    ['a lower-case scheme', `bearer ${token}`],
  ])('rejects %s', (_case, header) => {
    expect(bearerTokenMatches(header, token)).toBe(false);
  });
});
