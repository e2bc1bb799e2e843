/** The count of refused requests the sidebar shows: one per refusal, per UTC day, kept six hours in the script cache. */
import { payload, startApp, type Harness } from './helpers/harness';

const HOUR = 60 * 60 * 1000;
const WRONG_TOKEN = 'wrong'.repeat(6);

function refuse(h: Harness, times: number): void {
  for (let i = 0; i < times; i++)
    expect(h.post(payload('call-booked'), { token: WRONG_TOKEN })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
}

const refusedToday = (h: Harness): number => h.app.call<{ refusedToday: number }>('editor', 'getSidebarState').refusedToday;

test('each refused request adds one to the count', () => {
  const h = startApp();
  h.runtime.setTime(Date.UTC(2026, 0, 10, 1, 0, 0));
  expect(refusedToday(h)).toBe(0);
  refuse(h, 3);
  expect(refusedToday(h)).toBe(3);
});

test('the count lasts six hours in the cache, then reads 0', () => {
  const h = startApp();
  h.runtime.setTime(Date.UTC(2026, 0, 10, 1, 0, 0));
  refuse(h, 2);
  h.runtime.advanceTime(6 * HOUR - 60 * 1000);
  expect(refusedToday(h)).toBe(2);
  h.runtime.advanceTime(2 * 60 * 1000);
  expect(refusedToday(h)).toBe(0);
});

test('a new UTC day starts a new count', () => {
  const h = startApp();
  h.runtime.setTime(Date.UTC(2026, 0, 10, 23, 0, 0));
  refuse(h, 1);
  expect(refusedToday(h)).toBe(1);
  h.runtime.advanceTime(2 * HOUR);
  expect(refusedToday(h)).toBe(0);
  refuse(h, 1);
  expect(refusedToday(h)).toBe(1);
});
