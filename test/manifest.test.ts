/**
 * appsscript.json: valid against the SchemaStore schema (test/schemas/, see its README), plus the
 * stricter rules this project depends on (apps-script-facts.md §2, §3).
 */
import Ajv from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'appsscript.json'), 'utf8'));
const schema = JSON.parse(fs.readFileSync(path.join(__dirname, 'schemas', 'appsscript.schema.json'), 'utf8'));

/** The minimal scope set: openById in doPost, the sidebar, the time-based queue trigger. */
const SCOPES = [
  'https://www.googleapis.com/auth/spreadsheets',
  'https://www.googleapis.com/auth/script.container.ui',
  'https://www.googleapis.com/auth/script.scriptapp',
];

function compile() {
  const ajv = new Ajv({ allErrors: true, strict: true });
  // The schema uses the "uri" and "hostname" formats; ajv 8 ships no formats (ajv-formats does).
  ajv.addFormat('uri', (s: string) => {
    try {
      return /^[a-z][a-z0-9+.-]*:/i.test(s) && Boolean(new URL(s));
    } catch {
      return false;
    }
  });
  ajv.addFormat('hostname', /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i);
  return ajv.compile(schema);
}

describe('appsscript.json', () => {
  test('is the vendored SchemaStore schema', () => {
    expect(schema.title).toBe('JSON schema for Google Apps Script manifest files');
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  test('validates against the SchemaStore schema', () => {
    const validate = compile();
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('the schema validator does reject a bad manifest', () => {
    const validate = compile();
    expect(validate({ ...manifest, runtimeVersion: 'V9' })).toBe(false);
    expect(validate({ ...manifest, webapp: { access: 'EVERYONE' } })).toBe(false);
    expect(validate({ ...manifest, oauthScopes: ['not a uri'] })).toBe(false);
  });

  test('has no top-level key the schema does not know (the schema itself lets typos pass)', () => {
    const known = Object.keys(schema.properties);
    const unknown = Object.keys(manifest).filter((k) => !known.includes(k));
    expect(unknown).toEqual([]);
  });

  test('runs on V8', () => {
    expect(manifest.runtimeVersion).toBe('V8');
  });

  test('is a web app anyone can call without a Google login, running as the deployer', () => {
    expect(manifest.webapp).toEqual({ access: 'ANYONE_ANONYMOUS', executeAs: 'USER_DEPLOYING' });
  });

  test('requests exactly the minimal OAuth scopes', () => {
    expect([...manifest.oauthScopes].sort()).toEqual([...SCOPES].sort());
    expect(new Set(manifest.oauthScopes).size).toBe(manifest.oauthScopes.length);
    // doPost runs as a web app: getActiveSpreadsheet() is unavailable there, so it uses openById,
    // which currentonly does not cover; and nothing here touches Drive.
    for (const scope of manifest.oauthScopes as string[]) {
      expect(scope).not.toMatch(/currentonly|\/auth\/drive/);
    }
  });

  test('timeZone is a valid IANA time zone', () => {
    const tz: unknown = manifest.timeZone;
    expect(typeof tz).toBe('string');
    // A zone name (Area/Location or Etc/…), not an offset like "+02:00".
    expect(tz).toMatch(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/);
    expect(() => new Intl.DateTimeFormat('en-US', { timeZone: tz as string })).not.toThrow();
  });

  test('logs exceptions and declares no libraries or advanced services', () => {
    expect(manifest.exceptionLogging).toBe('STACKDRIVER');
    expect(manifest.dependencies).toEqual({});
  });
});
