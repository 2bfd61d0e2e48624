import { describe, expect, it } from 'vitest';
import { BackendError } from '../../../main/core/backends/types';
import { redactError, redactSecret, REDACTED } from '../../../main/core/secrets/redact';

describe('redactSecret', () => {
  it('takes a key out of text however often it appears', () => {
    expect(redactSecret('key AIza-123456 refused; AIza-123456 again', 'AIza-123456')).toBe(`key ${REDACTED} refused; ${REDACTED} again`);
  });

  it("takes out SDXL's password and the Basic-auth form of user:password", () => {
    const secret = 'artist:hunter2-long';
    const basic = Buffer.from(secret).toString('base64');
    expect(redactSecret(`Authorization: Basic ${basic}; pw=hunter2-long`, secret)).toBe(`Authorization: Basic ${REDACTED}; pw=${REDACTED}`);
  });

  it('leaves text alone without a secret, and does not redact fragments too short to be secret', () => {
    expect(redactSecret('nothing here', null)).toBe('nothing here');
    expect(redactSecret('a b c', 'a:b')).toBe('a b c');
  });

  it('redacts a BackendError message and provider message, keeping class, status and retry delay', () => {
    const error = new BackendError('auth', 'refused key sk-live-999999', { httpStatus: 401, retryAfterMs: 5, providerMessage: 'invalid api key sk-live-999999' });
    const clean = redactError(error, 'sk-live-999999');
    expect(clean).toMatchObject({ errorClass: 'auth', httpStatus: 401, retryAfterMs: 5, message: `refused key ${REDACTED}`, providerMessage: `invalid api key ${REDACTED}` });
    expect(redactError(error, null)).toBe(error);
  });
});
