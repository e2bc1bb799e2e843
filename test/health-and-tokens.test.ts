/** The health answer to a GET, and the copy of the tokens kept in the script cache: what a stale or missing copy does to a delivery. */
import { invokeWebApp } from '../local/webapp';
import { payload, setScriptProperty, startApp, type Harness } from './helpers/harness';

const TOKENS_CACHE_KEY = 'webhook.tokens';

const health = (h: Harness, query = ''): Record<string, unknown> =>
  JSON.parse(invokeWebApp(h.app, { method: 'GET', url: `/exec${query ? `?${query}` : ''}` }).body);

const scriptCache = (h: Harness) => h.runtime.globals().CacheService as GoogleAppsScript.Cache.CacheService;

describe('the health answer', () => {
  it('says what the app is and that it is set up; the queue only to a caller with the token', () => {
    const h = startApp();
    const bare = health(h);
    expect(bare).toMatchObject({ ok: true, setUp: true });
    expect(Object.keys(bare).sort()).toEqual(['app', 'ok', 'setUp', 'version']);
    expect(health(h, 'token=wrong')).not.toHaveProperty('queued');
    expect(health(h, `token=${h.token}`)).toMatchObject({ ok: true, setUp: true, authorized: true, queued: 0 });
  });

  it('is not set up while the spreadsheet is unknown, even with a token', () => {
    const h = startApp();
    setScriptProperty(h, 'spreadsheet.id', null);
    expect(health(h)).toMatchObject({ ok: true, setUp: false });
  });

  it('run from the editor (no event), doGet answers the health document instead of throwing', () => {
    const h = startApp();
    const ctx = h.app.context as unknown as { doGet(e?: unknown): GoogleAppsScript.Content.TextOutput };
    const output = h.runtime.execute('editor', () => ctx.doGet());
    expect(JSON.parse(output.getContent())).toMatchObject({ ok: true, setUp: true });
  });
});

describe("the tokens' cached copy", () => {
  it('a copy cached before a rotation does not refuse the new token: the refusal is checked against the properties', () => {
    const h = startApp();
    const stale = { current: 'a'.repeat(64), previous: null, previousExpiresAt: 0 };
    h.runtime.execute('webapp', () => scriptCache(h).getScriptCache().put(TOKENS_CACHE_KEY, JSON.stringify(stale), 600));
    // The copy is read by an execution that does not get the lock at once.
    const release = h.runtime.holdScriptLock();
    try {
      expect(h.post(payload('call-booked')).results[0]).toMatchObject({ action: 'queued' });
    } finally {
      release();
    }
    // The copy now holds the tokens the properties hold.
    const cached = h.runtime.execute('webapp', () => scriptCache(h).getScriptCache().get(TOKENS_CACHE_KEY));
    expect(JSON.parse(String(cached)).current).toBe(h.token);
  });

  it('before set-up (no token stored), a refused delivery leaves no copy in the cache', () => {
    const h = startApp();
    setScriptProperty(h, 'webhook.token', null);
    h.runtime.execute('webapp', () => scriptCache(h).getScriptCache().remove(TOKENS_CACHE_KEY));
    const release = h.runtime.holdScriptLock();
    try {
      expect(h.post(payload('call-booked')).ok).toBe(false);
    } finally {
      release();
    }
    expect(h.runtime.execute('webapp', () => scriptCache(h).getScriptCache().get(TOKENS_CACHE_KEY))).toBeNull();
  });
});
