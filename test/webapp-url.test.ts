/**
 * The web app URL the sidebar shows, through the built bundle in the local runtime: the URL build.mjs
 * compiled in (--web-app-url, as npm run deploy passes it) wins over ScriptApp.getService().getUrl(), and a
 * /dev URL, a Workspace form or another deployment is shown with a warning.
 */
import { loadApp, type AppHandle } from '../local/load-app';
import { LocalRuntime, type RuntimeOptions } from '../local/runtime';
import { invokeWebApp } from '../local/webapp';
import { buildInto, removeTempDirs, tempDir } from './helpers/temp';

const RECORDED = 'https://script.google.com/macros/s/AKfycbRecordedDeployment/exec';
const OLDER = 'https://script.google.com/macros/s/AKfycbOlderDeployment/exec';

let withoutRecord: string;
let withRecord: string;

beforeAll(() => {
  withoutRecord = tempDir('iclosed-url-none-');
  buildInto(withoutRecord, ['--web-app-url', 'none']);
  withRecord = tempDir('iclosed-url-recorded-');
  buildInto(withRecord, ['--web-app-url', RECORDED]);
}, 60_000);
afterAll(removeTempDirs);

function open(dist: string, options: RuntimeOptions): { app: AppHandle; runtime: LocalRuntime; webhook: any } {
  const runtime = new LocalRuntime({ virtualTime: true, ...options });
  runtime.createSpreadsheet('iClosed leads');
  const app = loadApp(runtime, dist);
  app.call('editor', 'setupWebhook');
  return { app, runtime, webhook: app.call<any>('editor', 'getSidebarState').webhook };
}

test('the local runtime can answer getUrl() with a /dev URL outside the web app (the switch), and /exec inside it', () => {
  const { app, runtime } = open(withoutRecord, { scriptUrl: OLDER, devUrlOutsideWebApp: true });
  const ScriptApp = runtime.globals().ScriptApp as GoogleAppsScript.Script.ScriptApp;
  expect(runtime.execute('editor', () => ScriptApp.getService().getUrl())).toMatch(
    /^https:\/\/script\.google\.com\/macros\/s\/[\w-]+\/dev$/,
  );
  expect(runtime.execute('trigger', () => ScriptApp.getService().getUrl())).toMatch(/\/dev$/);
  expect(runtime.execute('webapp', () => ScriptApp.getService().getUrl())).toBe(OLDER);
  expect(JSON.parse(invokeWebApp(app, { method: 'GET', url: '/exec' }).body).ok).toBe(true);
});

test('nothing recorded and getUrl() says /dev: no URL to paste, a warning with the fix, the token still shown', () => {
  const { webhook } = open(withoutRecord, { scriptUrl: OLDER, devUrlOutsideWebApp: true });
  expect(webhook.url).toBeNull();
  expect(webhook.urlWarning).toMatch(/\/dev\)/);
  expect(webhook.urlWarning).toContain('npm run deploy');
  expect(webhook.token).toMatch(/^[0-9a-f]{64}$/);
});

test("nothing recorded and getUrl() says /exec: that URL, marked as Apps Script's", () => {
  const { webhook } = open(withoutRecord, { scriptUrl: OLDER });
  expect(webhook).toMatchObject({ url: `${OLDER}?token=${webhook.token}`, urlSource: 'apps-script', urlWarning: null });
});

test('a recorded URL is shown with the token, whatever getUrl() says in the editor', () => {
  for (const options of [{ scriptUrl: RECORDED, devUrlOutsideWebApp: true }, { scriptUrl: RECORDED }, { scriptUrl: null }]) {
    const { webhook } = open(withRecord, options);
    expect(webhook).toMatchObject({ url: `${RECORDED}?token=${webhook.token}`, urlSource: 'deployment', urlWarning: null });
  }
});

test('getUrl() naming another deployment, or the Workspace form: the recorded URL and a warning', () => {
  const other = open(withRecord, { scriptUrl: OLDER }).webhook;
  expect(other.url).toBe(`${RECORDED}?token=${other.token}`);
  expect(other.urlWarning).toContain(OLDER);
  const workspace = RECORDED.replace('/macros/s/', '/a/macros/example.com/s/');
  const domain = open(withRecord, { scriptUrl: workspace }).webhook;
  expect(domain.url).toBe(`${RECORDED}?token=${domain.token}`);
  expect(domain.urlWarning).toContain(workspace);
});

test('build.mjs refuses a web app URL that is not a …/macros/s/<id>/exec URL', () => {
  const dir = tempDir('iclosed-url-bad-');
  expect(() => buildInto(dir, ['--web-app-url', 'https://script.google.com/macros/s/X/dev'])).toThrow(/not of the form/);
});
