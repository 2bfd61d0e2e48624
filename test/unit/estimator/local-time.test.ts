import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localDayKey, localTimeZone, startOfLocalDay, startOfLocalDaysAgo, startOfNextLocalDay, startOfNextLocalMonth } from '../../../main/core/estimator/local-time';

/** Budget periods follow the machine's zone: TZ is set per test (Node re-reads it on assignment). */
describe('local budget periods', () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.TZ;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  it('starts the day at local midnight, not UTC midnight', () => {
    process.env.TZ = 'Asia/Tokyo';
    expect(localTimeZone()).toBe('Asia/Tokyo');
    const at = Date.parse('2026-11-24T20:00:00Z'); // 05:00 on the 25th in Tokyo
    expect(localDayKey(at)).toBe('2026-11-25');
    expect(startOfLocalDay(at)).toBe(Date.parse('2026-11-24T15:00:00Z'));
    expect(startOfNextLocalDay(at)).toBe(Date.parse('2026-11-25T15:00:00Z'));
  });

  it('keeps a 23-hour day one day across a daylight-saving change', () => {
    process.env.TZ = 'America/New_York';
    const at = Date.parse('2026-03-08T12:00:00Z'); // clocks went forward at 02:00 local
    expect(startOfNextLocalDay(at) - startOfLocalDay(at)).toBe(23 * 3_600_000);
    expect(localDayKey(startOfLocalDaysAgo(at, 2))).toBe('2026-03-07');
  });

  it('rolls the month over on the first, local time', () => {
    process.env.TZ = 'Europe/Paris';
    const at = Date.parse('2026-12-31T22:30:00Z'); // 23:30 on the 31st in Paris
    expect(startOfNextLocalMonth(at)).toBe(Date.parse('2026-12-31T23:00:00Z'));
  });
});
