/** Which web app URL the sidebar shows, and when it warns: the recorded /exec URL first, getUrl() only as a fallback. */
import { execUrl, parseWebAppUrl, resolveWebAppUrl } from '../../src/core/webapp-url';

const REC = 'https://script.google.com/macros/s/AKfycbRecorded_1-x/exec';
const OTHER = 'https://script.google.com/macros/s/AKfycbOlder/exec';
const DEV = 'https://script.google.com/macros/s/AKfycbHead/dev';
const WORKSPACE_A = 'https://script.google.com/a/macros/example.com/s/AKfycbRecorded_1-x/exec';
const WORKSPACE_B = 'https://script.google.com/a/example.com/macros/s/AKfycbRecorded_1-x/exec';

describe('parseWebAppUrl', () => {
  test('reads the plain and both Workspace forms, /exec and /dev', () => {
    expect(parseWebAppUrl(REC)).toEqual({ id: 'AKfycbRecorded_1-x', domain: null, kind: 'exec' });
    expect(parseWebAppUrl(DEV)).toEqual({ id: 'AKfycbHead', domain: null, kind: 'dev' });
    expect(parseWebAppUrl(WORKSPACE_A)).toEqual({ id: 'AKfycbRecorded_1-x', domain: 'example.com', kind: 'exec' });
    expect(parseWebAppUrl(WORKSPACE_B)).toEqual({ id: 'AKfycbRecorded_1-x', domain: 'example.com', kind: 'exec' });
  });
  test('refuses other URLs', () => {
    for (const url of [
      'http://script.google.com/macros/s/X/exec',
      'https://script.google.com/macros/s/X/edit',
      'https://evil.test/macros/s/X/exec',
      'https://script.google.com/macros/s//exec',
      'http://localhost:8787/exec',
    ]) {
      expect(parseWebAppUrl(url)).toBeNull();
    }
  });
});

describe('resolveWebAppUrl', () => {
  test("the recorded URL wins; a /dev or missing report next to it is the editor's usual answer and needs no warning", () => {
    for (const reported of [null, DEV, REC]) {
      expect(resolveWebAppUrl(REC, reported)).toEqual({ url: REC, source: 'deployment', warning: null });
    }
  });
  test('a report of another deployment: the recorded URL, and a warning naming the other one with the fix', () => {
    const r = resolveWebAppUrl(REC, OTHER);
    expect(r.url).toBe(REC);
    expect(r.warning).toContain(OTHER);
    expect(r.warning).toContain('Manage deployments');
  });
  test('a report in a Workspace form of the recorded deployment: the plain URL, and a warning about the /a/ form', () => {
    for (const reported of [WORKSPACE_A, WORKSPACE_B]) {
      const r = resolveWebAppUrl(REC, reported);
      expect(r.url).toBe(REC);
      expect(r.warning).toContain(reported);
      expect(r.warning).toContain('example.com');
    }
  });
  test('nothing recorded: a /dev report gives no URL to paste, only a warning with the fix', () => {
    const r = resolveWebAppUrl(null, DEV);
    expect(r.url).toBeNull();
    expect(r.warning).toContain(DEV);
    expect(r.warning).toContain('sign-in page');
    expect(r.warning).toContain('npm run deploy');
  });
  test('nothing recorded: an /exec report is the fallback, the Workspace form shown plain with a warning', () => {
    expect(resolveWebAppUrl(null, OTHER)).toEqual({ url: OTHER, source: 'apps-script', warning: null });
    const r = resolveWebAppUrl(null, WORKSPACE_A);
    expect(r).toMatchObject({ url: execUrl('AKfycbRecorded_1-x'), source: 'apps-script' });
    expect(r.warning).toContain(WORKSPACE_A);
  });
  test('nothing known: no URL and no warning; an unrecognised report (the local server) is shown as it is', () => {
    expect(resolveWebAppUrl(null, null)).toEqual({ url: null, source: null, warning: null });
    expect(resolveWebAppUrl(null, 'http://localhost:8787/exec')).toEqual({
      url: 'http://localhost:8787/exec',
      source: 'apps-script',
      warning: null,
    });
  });
  test('a malformed record is not used: the fallback, with a warning to deploy again', () => {
    const r = resolveWebAppUrl(DEV, OTHER);
    expect(r.url).toBe(OTHER);
    expect(r.warning).toContain('npm run deploy again');
    const both = resolveWebAppUrl('nonsense', DEV);
    expect(both.url).toBeNull();
    expect(both.warning).toContain('npm run deploy again');
    expect(both.warning).toContain(DEV);
  });
});
