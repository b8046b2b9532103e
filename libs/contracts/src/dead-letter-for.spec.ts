import { deadLetterFor } from './dead-letter-for';
import { DEAD_LETTER_MAX_ERRORS, DeadLetterV1 } from './dead-letter.v1';
import { parseInboundMessage } from './inbound-message';
import { Topics } from './topics';

const meta = { eventId: 'dl-1', rejectedAt: '2026-10-31T17:04:06.000Z' };

describe(deadLetterFor.name, () => {
  it('builds a valid dead letter that keeps the exact bytes', () => {
    const value = Buffer.from([0x7b, 0xff, 0x7d]);
    const rejection = parseInboundMessage(Topics.SourceInvoices, value);
    if (rejection.ok) throw new Error('expected a rejection');

    const sut = deadLetterFor(
      {
        topic: Topics.SourceInvoices,
        partition: 4,
        offset: '9007199254740993',
        key: Buffer.from('acme:inv-1'),
        value,
      },
      rejection,
      meta,
    );

    expect(sut).toEqual({
      eventId: 'dl-1',
      topic: Topics.SourceInvoices,
      partition: 4,
      offset: '9007199254740993',
      key: 'acme:inv-1',
      reason: 'invalid_utf8',
      errors: [{ path: '', message: 'message value is not valid UTF-8' }],
      rawValue: 'e/99',
      rejectedAt: '2026-10-31T17:04:06.000Z',
    });
    expect(Buffer.from(sut.rawValue ?? '', 'base64').equals(value)).toBe(true);
    expect(DeadLetterV1.safeParse(sut).success).toBe(true);
  });

  it('keeps a tombstone as null key and value', () => {
    const sut = deadLetterFor(
      {
        topic: Topics.SourcePayments,
        partition: 0,
        offset: '0',
        key: null,
        value: null,
      },
      { reason: 'empty_value', errors: [] },
      meta,
    );

    expect(sut).toMatchObject({
      key: null,
      rawValue: null,
      reason: 'empty_value',
    });
  });

  it('bounds the error list and says how many were left out', () => {
    const errors = Array.from({ length: 250 }, (_, i) => ({
      path: `data.lines[${i}].amount`,
      message: 'wrong',
    }));

    const sut = deadLetterFor(
      {
        topic: Topics.SourceInvoices,
        partition: 0,
        offset: '1',
        key: 'k',
        value: '{}',
      },
      { reason: 'schema_violation', errors },
      meta,
    );

    expect(sut.errors).toHaveLength(DEAD_LETTER_MAX_ERRORS);
    expect(sut.errors.at(-1)).toEqual({
      path: '',
      message: 'and 151 more errors',
    });
  });

  it('throws on the caller own malformed input', () => {
    expect(() =>
      deadLetterFor(
        { topic: 't', partition: -1, offset: '1', key: null, value: 'x' },
        { reason: 'schema_violation', errors: [] },
        meta,
      ),
    ).toThrow();
  });
});
