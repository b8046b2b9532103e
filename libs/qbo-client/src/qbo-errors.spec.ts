import { faultFixture, fixtureText } from './__fixtures__/fake-http-server';
import {
  mapBatchItemFault,
  mapHttpError,
  parseRetryAfterMs,
  QboAuthenticationError,
  QboAuthorizationError,
  QboClosedPeriodError,
  QboDuplicateDocNumberError,
  QboDuplicateNameError,
  QboInvalidReferenceError,
  QboNotFoundError,
  QboPermanentError,
  QboRateLimitedError,
  QboServerError,
  QboStaleObjectError,
  QboTransientError,
  QboUncertainWriteError,
  QboValidationError,
} from './qbo-errors';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const json = { 'content-type': 'application/json;charset=UTF-8', intuit_tid: '1-abc' };

const map = (name: string, headers: Record<string, string> = json) => {
  const { status, body } = faultFixture(name);
  return mapHttpError({ status, headers, body, realmId: '4620816365', nowMs: NOW });
};

describe(mapHttpError.name, () => {
  it.each([
    ['duplicateName6240', QboDuplicateNameError, '6240', 'permanent'],
    ['duplicateDocNumber6140', QboDuplicateDocNumberError, '6140', 'permanent'],
    ['closedPeriod6210', QboClosedPeriodError, '6210', 'permanent'],
    ['staleObject5010', QboStaleObjectError, '5010', 'permanent'],
    ['objectNotFound610', QboInvalidReferenceError, '610', 'permanent'],
    ['invalidReference2500', QboInvalidReferenceError, '2500', 'permanent'],
    ['requiredParam2020', QboValidationError, '2020', 'permanent'],
    ['queryParse4000', QboValidationError, '4000', 'permanent'],
    ['business6000', QboValidationError, '6000', 'permanent'],
    ['throttled3001', QboRateLimitedError, '3001', 'transient'],
    ['throttled3001Legacy403', QboRateLimitedError, '3001', 'transient'],
    ['tokenExpired3200', QboAuthenticationError, '3200', 'permanent'],
    ['appNotAuthorized3100', QboAuthorizationError, '3100', 'permanent'],
    ['userNotAdmin120', QboAuthorizationError, '120', 'permanent'],
    ['systemFault10000', QboServerError, '10000', 'transient'],
  ])('%s -> %p', (fixture, type, code, kind) => {
    const sut = map(fixture);

    expect(sut).toBeInstanceOf(type);
    expect(sut.code).toBe(code);
    expect(sut.kind).toBe(kind);
    expect(sut.reason.length).toBeGreaterThan(20);
    expect(sut.intuitTid).toBe('1-abc');
    expect(sut.realmId).toBe('4620816365');
  });

  it('carries QuickBooks message, detail and element', () => {
    const sut = map('requiredParam2020');

    expect(sut.qboMessage).toMatch(/Required param missing/);
    expect(sut.detail).toBe('Required parameter Line.ItemRef is missing in the request');
    expect(sut.element).toBe('Line.ItemRef');
    expect(sut.httpStatus).toBe(400);
    expect(sut.faultType).toBe('ValidationFault');
    expect(sut.message).toContain('code=2020');
  });

  it('reads the lower-case 401 fault shape', () => {
    const sut = map('tokenExpired3200');

    expect(sut.detail).toBe('Token expired: AB0162');
    expect(sut.faultType).toBe('AUTHENTICATION');
  });

  it('reads an XML throttling fault even though JSON was asked for', () => {
    const sut = mapHttpError({ status: 429, headers: { 'content-type': 'application/xml' }, body: fixtureText('throttled-3001.xml'), nowMs: NOW });

    expect(sut).toBeInstanceOf(QboRateLimitedError);
    expect(sut.code).toBe('3001');
    expect(sut.faultType).toBe('SERVICE');
    expect(sut.detail).toBe('The request limit was reached.  Try again later');
  });

  it('maps bare statuses when there is no fault body', () => {
    const at = (status: number, body = '') => mapHttpError({ status, headers: {}, body, nowMs: NOW });

    expect(at(503)).toBeInstanceOf(QboServerError);
    expect(at(502, '<html>bad gateway</html>')).toBeInstanceOf(QboServerError);
    expect(at(429)).toBeInstanceOf(QboRateLimitedError);
    expect(at(401)).toBeInstanceOf(QboAuthenticationError);
    expect(at(403)).toBeInstanceOf(QboAuthorizationError);
    expect(at(404)).toBeInstanceOf(QboNotFoundError);
    expect(at(400, 'not json')).toBeInstanceOf(QboValidationError);
  });

  it('puts every error in exactly one family', () => {
    for (const name of ['duplicateName6240', 'throttled3001', 'systemFault10000', 'tokenExpired3200']) {
      const sut = map(name);
      expect(Number(sut instanceof QboTransientError) + Number(sut instanceof QboPermanentError)).toBe(1);
      expect(sut.transient).toBe(sut instanceof QboTransientError);
    }
  });

  it('takes Retry-After in seconds or as a date', () => {
    const { status, body } = faultFixture('throttled3001');

    expect(mapHttpError({ status, body, headers: { ...json, 'retry-after': '7' }, nowMs: NOW }).retryAfterMs).toBe(7000);
    expect(parseRetryAfterMs(new Date(NOW + 3000).toUTCString(), NOW)).toBe(3000);
    expect(parseRetryAfterMs('soon', NOW)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, NOW)).toBeUndefined();
  });
});

describe(mapBatchItemFault.name, () => {
  it('maps per-item faults with the same rules', () => {
    const items = (JSON.parse(fixtureText('batch-response.json')) as { BatchItemResponse: Array<{ Fault?: unknown }> }).BatchItemResponse;

    expect(mapBatchItemFault(items[0].Fault, {})).toBeInstanceOf(QboDuplicateNameError);
    expect(mapBatchItemFault(items[1].Fault, {})).toBeInstanceOf(QboInvalidReferenceError);
    expect(mapBatchItemFault(items[2].Fault, {})).toBeInstanceOf(QboStaleObjectError);
  });

  it('treats a throttled item as transient', () => {
    const sut = mapBatchItemFault({ type: 'SERVICE', Error: [{ code: '3001', Message: 'ThrottleExceeded' }] }, { realmId: '1' });

    expect(sut).toBeInstanceOf(QboRateLimitedError);
    expect(sut.transient).toBe(true);
  });
});

describe(QboUncertainWriteError.name, () => {
  it('is neither transient nor permanent and keeps the requestid', () => {
    const sut = new QboUncertainWriteError({ requestId: 'abc', realmId: '1' });

    expect(sut.kind).toBe('uncertain');
    expect(sut.transient).toBe(false);
    expect(sut).not.toBeInstanceOf(QboTransientError);
    expect(sut).not.toBeInstanceOf(QboPermanentError);
    expect(sut.requestId).toBe('abc');
    expect(sut.reason).toMatch(/check QuickBooks before retrying/);
  });
});
