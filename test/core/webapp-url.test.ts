/** Which web app URL the sidebar shows, and when it warns: the recorded /exec URL first, getUrl() only as a fallback. */
import { execUrl } from '../../src/core/webapp-url';

/**
 * The module loaded afresh inside the test that calls this, so what it builds at load time (the URL pattern, the deployments hint) is part
 * of what that test runs; a mutation run counts a test only for code it ran.
 */
function freshWebAppUrl(): typeof import('../../src/core/webapp-url') {
  let mod: typeof import('../../src/core/webapp-url') | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('../../src/core/webapp-url');
  });
  return mod!;
}

const parseWebAppUrl = (url: string) => freshWebAppUrl().parseWebAppUrl(url);
const resolveWebAppUrl = (recorded: string | null, reported: string | null) => freshWebAppUrl().resolveWebAppUrl(recorded, reported);

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
  test('ignores spaces and a line break around the URL', () => {
    expect(parseWebAppUrl(`  ${REC}\n`)).toEqual({ id: 'AKfycbRecorded_1-x', domain: null, kind: 'exec' });
  });
  test('refuses other URLs', () => {
    for (const url of [
      'http://script.google.com/macros/s/X/exec',
      'https://script.google.com/macros/s/X/edit',
      'https://evil.test/macros/s/X/exec',
      'https://script.google.com/macros/s//exec',
      'http://localhost:8787/exec',
      'https://evil.test/?next=https://script.google.com/macros/s/X/exec',
      'https://script.google.com/macros/s/X/exec/edit',
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
    expect(r).toEqual({
      url: REC,
      source: 'deployment',
      warning:
        `Apps Script reports another web app URL (${OTHER}) than the deployment npm run deploy updates. ` +
        'The script has more than one deployment, and the other one runs other (older) code. ' +
        'Fix: give iClosed the URL shown here; archive the other deployment under Deploy → Manage deployments in the script editor (Extensions → Apps Script) if nothing uses it.',
    });
  });
  test('a report in a Workspace form of the recorded deployment: the plain URL, and a warning about the /a/ form', () => {
    for (const reported of [WORKSPACE_A, WORKSPACE_B]) {
      expect(resolveWebAppUrl(REC, reported)).toEqual({
        url: REC,
        source: 'deployment',
        warning:
          `Apps Script reports this deployment in its Workspace form (${reported}), which may ask senders outside ` +
          'example.com to sign in. Fix: give iClosed the URL shown here (…/macros/s/…/exec), not the /a/… form.',
      });
    }
  });
  test('a /dev report in a Workspace form next to a record is the editor too: no warning', () => {
    const workspaceDev = 'https://script.google.com/a/macros/example.com/s/AKfycbHead/dev';
    expect(resolveWebAppUrl(REC, workspaceDev)).toEqual({ url: REC, source: 'deployment', warning: null });
  });
  test('nothing recorded: a /dev report gives no URL to paste, only a warning with the fix', () => {
    expect(resolveWebAppUrl(null, DEV)).toEqual({
      url: null,
      source: null,
      warning:
        `Apps Script reports only the test URL (${DEV}). A …/dev URL answers iClosed with a Google sign-in page, ` +
        "so nothing would be written. Fix: run npm run deploy, which records the web app's …/exec URL and shows it here; " +
        'or copy the …/exec URL from Deploy → Manage deployments in the script editor (Extensions → Apps Script) and add ?token= with the token below.',
    });
  });
  test('nothing recorded: an /exec report is the fallback, the Workspace form shown plain with a warning', () => {
    expect(resolveWebAppUrl(null, OTHER)).toEqual({ url: OTHER, source: 'apps-script', warning: null });
    expect(resolveWebAppUrl(null, WORKSPACE_A)).toEqual({
      url: execUrl('AKfycbRecorded_1-x'),
      source: 'apps-script',
      warning:
        `Apps Script reports the web app URL in its Workspace form (${WORKSPACE_A}), which may ask senders outside ` +
        'example.com to sign in; the URL shown here is the same deployment in its plain form. ' +
        "Fix: give iClosed the URL shown here, and run npm run deploy so the deployment's own URL is recorded.",
    });
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
