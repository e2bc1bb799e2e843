/**
 * The npm scripts setup, push, deploy and open (scripts/clasp-tasks.mjs; a few calls through `npm run` itself)
 * in a temporary copy of the project, with a fake clasp (test/fake-clasp/clasp) first on PATH. Nothing reaches Google.
 * SKIP_CHECKS=1 skips the push step's `npm test`; build.mjs is a stand-in that writes dist/ quickly.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const REPO = join(__dirname, '..');
const PLACEHOLDER = { scriptId: 'PLACEHOLDER_RUN_CLASP_CREATE_SCRIPT_SEE_README', rootDir: 'dist' };
const PLACEHOLDER_TEXT = `${JSON.stringify(PLACEHOLDER, null, 2)}\n`;
/**
 * Each test spawns a few dozen short Node processes one after another, several tests at once. On a busy
 * 2-core machine one of them can take well over a minute, so no child process gets a time limit and a
 * test only fails when its processes answer wrongly; this limit only stops a test that hangs.
 */
const SLOW = 15 * 60_000;
const SPREADSHEET_ID = '1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd';

/**
 * Writes the three files clasp pushes, replacing what create-script pulled into dist/ (as the real build does),
 * with the web app URL given by --web-app-url (as the real build compiles it in) in Code.js.
 */
const STUB_BUILD = `// Test stand-in for build.mjs: the three Apps Script files, written fresh into dist/.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
const i = process.argv.indexOf('--web-app-url');
const url = i > 0 && process.argv[i + 1] !== 'none' ? process.argv[i + 1] : null;
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
writeFileSync('dist/Code.js', 'var WEB_APP_URL = ' + JSON.stringify(url) + ';\\nfunction doPost(e) { return app.doPost(e); }\\n');
copyFileSync('appsscript.json', 'dist/appsscript.json');
writeFileSync('dist/Sidebar.html', '<!doctype html><p>sidebar</p>\\n');
`;

// Made by the first test that needs it, not in beforeAll (concurrent tests do not wait for beforeAll hooks) and not
// while the file loads (a run that selects none of these tests must leave no folder behind).
let base = '';
/** The scratch folder, with the fake clasp in its bin/. */
function scratch(): string {
  if (!base) {
    base = mkdtempSync(join(tmpdir(), 'iclosed-deploy-'));
    mkdirSync(join(base, 'bin'));
    copyFileSync(join(REPO, 'test', 'fake-clasp', 'clasp'), join(base, 'bin', 'clasp'));
    chmodSync(join(base, 'bin', 'clasp'), 0o755);
  }
  return base;
}

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

interface Result {
  status: number | null;
  out: string;
}

interface Project {
  dir: string;
  /** The script behind `npm run <task>` (node scripts/clasp-tasks.mjs <task> <args>): fast. `env` is added to the environment. */
  run(task: string, args?: string[], env?: NodeJS.ProcessEnv): Promise<Result>;
  /** `npm run <task> -- <args>` itself: a second slower, so used for a few calls only. */
  /** The fake clasp directly, as the user would run `npx clasp …` (to change the fake Google). */
  clasp(args: string[]): Promise<Result>;
  /** Every clasp call so far, as argv arrays. */
  calls(): string[][];
  setState(patch: Record<string, unknown>): void;
  json(file: string): Record<string, unknown> | null;
  /** The dist/Code.js a deployment of the fake Google serves (the code of its version). */
  servedCode(deploymentId: string): string | undefined;
}

let projects = 0;

function makeProject(): Project {
  const root = scratch();
  const bin = join(root, 'bin');
  const dir = join(root, `project-${++projects}`);
  const state = join(root, `state-${projects}`);
  const home = join(root, `home-${projects}`);
  for (const d of [dir, join(dir, 'scripts'), state, home]) mkdirSync(d, { recursive: true });
  copyFileSync(join(REPO, 'package.json'), join(dir, 'package.json'));
  copyFileSync(join(REPO, 'scripts', 'clasp-tasks.mjs'), join(dir, 'scripts', 'clasp-tasks.mjs'));
  copyFileSync(join(REPO, 'appsscript.json'), join(dir, 'appsscript.json'));
  writeFileSync(join(dir, 'build.mjs'), STUB_BUILD);
  writeFileSync(join(dir, '.clasp.json'), PLACEHOLDER_TEXT);
  writeFileSync(join(state, 'state.json'), JSON.stringify({ loggedIn: true, apiEnabled: true }));

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
    FAKE_CLASP_STATE: state,
    SKIP_CHECKS: '1',
    HOME: home, // no real clasp credentials, whatever happens
  };
  delete env.CLASP_BIN;
  const exec = (command: string, args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Result> =>
    new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd: dir, env: { ...env, ...extra } });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.stderr.on('data', (chunk) => (out += chunk));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, out }));
    });
  return {
    dir,
    run: (task, args = [], extra = {}) => exec(process.execPath, ['scripts/clasp-tasks.mjs', task, ...args], extra),
    clasp: (args) => exec(join(bin, 'clasp'), args),
    calls: () => {
      const file = join(state, 'log.jsonl');
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { argv: string[] }).argv);
    },
    setState: (patch) => {
      const file = join(state, 'state.json');
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...patch }));
    },
    json: (file) => (existsSync(join(dir, file)) ? JSON.parse(readFileSync(join(dir, file), 'utf8')) : null),
    servedCode: (deploymentId) => {
      const fake = JSON.parse(readFileSync(join(state, 'state.json'), 'utf8')) as {
        scripts: Record<string, { deployments: Array<{ id: string; files?: Record<string, string> }> }>;
      };
      for (const script of Object.values(fake.scripts)) {
        const d = script.deployments.find((x) => x.id === deploymentId);
        if (d) return d.files?.['dist/Code.js'];
      }
      return undefined;
    },
  };
}

const named = (calls: string[][], command: string) => calls.filter((argv) => argv[0] === command);
const urlOf = (id: string) => `https://script.google.com/macros/s/${id}/exec`;

/** A project after a successful `npm run setup`. */
async function setUpProject(): Promise<Project> {
  const p = makeProject();
  const r = await p.run('setup');
  if (r.status !== 0) throw new Error(`setup failed:\n${r.out}`);
  return p;
}

describe('npm run setup', () => {
  test.concurrent(
    'creates a new spreadsheet with its bound script, moving the placeholder .clasp.json aside; rootDir stays dist',
    async () => {
      const p = makeProject();
      const r = await p.run('setup', ['--title', 'Leads']);
      expect(r.status).toBe(0);
      expect(p.calls()).toEqual([['create-script', '--type', 'sheets', '--title', 'Leads', '--rootDir', 'dist']]);
      const config = p.json('.clasp.json')!;
      expect(config.scriptId).toMatch(/^1FakeScript/);
      expect(config.rootDir).toBe('dist');
      expect(config.parentId).toMatch(/^1FakeSpreadsheet/);
      expect(existsSync(join(p.dir, '.clasp.json.placeholder'))).toBe(false);
      expect(r.out).toContain(`https://docs.google.com/spreadsheets/d/${config.parentId}/edit`);
      expect(r.out).toContain('npm run deploy');
    },
    SLOW,
  );

  test.concurrent(
    '--parent-id binds to an existing spreadsheet (no --type sheets, which would ignore --parentId)',
    async () => {
      const p = makeProject();
      const r = await p.run('setup', ['--parent-id', `https://docs.google.com/spreadsheets/d/${SPREADSHEET_ID}/edit#gid=0`]);
      expect(r.status).toBe(0);
      expect(p.calls()).toEqual([['create-script', '--title', 'iClosed webhooks', '--parentId', SPREADSHEET_ID, '--rootDir', 'dist']]);
      const config = p.json('.clasp.json')!;
      expect(config.parentId).toBe(SPREADSHEET_ID);
      expect(config.rootDir).toBe('dist');
      expect(r.out).toContain(`https://docs.google.com/spreadsheets/d/${SPREADSHEET_ID}/edit`);
    },
    SLOW,
  );

  test.concurrent(
    'refuses to run twice, without calling clasp',
    async () => {
      const p = await setUpProject();
      const before = p.json('.clasp.json');
      const r = await p.run('setup');
      expect(r.status).not.toBe(0);
      expect(r.out).toContain('already set up');
      expect(named(p.calls(), 'create-script')).toHaveLength(1);
      expect(p.json('.clasp.json')).toEqual(before);
    },
    SLOW,
  );
});

describe('npm run deploy', () => {
  test.concurrent(
    'creates one deployment the first time, then always updates that same id (same URL)',
    async () => {
      const p = await setUpProject();

      // `npm run deploy` is this script (checked below); run directly, so npm's own start-up under load is not part of the test.
      expect(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts.deploy).toBe('node scripts/clasp-tasks.mjs deploy');
      const first = await p.run('deploy');
      expect({ status: first.status, out: first.status === 0 ? '' : first.out }).toEqual({ status: 0, out: '' });
      const record = p.json('deployment.json')!;
      const id = record.deploymentId as string;
      expect(id).toMatch(/^AKfycbFAKE/);
      expect(record).toMatchObject({ scriptId: p.json('.clasp.json')!.scriptId, url: urlOf(id), accessConfirmed: false });
      expect(first.out).toContain(`Web app URL: ${urlOf(id)}`);
      expect(first.out).toContain('Who has access: Anyone'); // the one-time step clasp cannot do (google/clasp#1115)
      expect(first.out).toContain('npm run deploy -- --confirm-access');
      expect(first.out).toMatch(/Pushed 3 files/);
      expect(readdirSync(join(p.dir, 'dist')).sort()).toEqual(['Code.js', 'Sidebar.html', 'appsscript.json']);
      // The URL exists only once the deployment does: built in, pushed again, and the same deployment updated.
      expect(p.calls().map((argv) => argv[0])).toEqual([
        'create-script',
        'show-authorized-user',
        'list-deployments',
        'push',
        'create-deployment',
        'push',
        'update-deployment',
      ]);
      expect(named(p.calls(), 'update-deployment')[0][1]).toBe(id);
      expect(p.servedCode(id)).toContain(`var WEB_APP_URL = "${urlOf(id)}";`);

      const second = await p.run('deploy');
      expect(second.status).toBe(0);
      expect(second.out).toContain(`URL (unchanged): ${urlOf(id)}`);
      expect(second.out).toContain('Reminder'); // access not confirmed yet

      const calls = p.calls();
      expect(named(calls, 'create-deployment')).toHaveLength(1);
      const updates = named(calls, 'update-deployment');
      expect(updates.map((argv) => argv[1])).toEqual([id, id]);
      expect(p.servedCode(id)).toContain(`var WEB_APP_URL = "${urlOf(id)}";`);
      expect(named(calls, 'push').every((argv) => argv.includes('-f'))).toBe(true);
      expect(p.json('deployment.json')!.deploymentId).toBe(id);

      const confirm = await p.run('deploy', ['--confirm-access']);
      expect(confirm.status).toBe(0);
      expect(p.json('deployment.json')!.accessConfirmed).toBe(true);
      expect(p.calls()).toHaveLength(calls.length); // recording the confirmation needs no clasp

      const third = await p.run('deploy');
      expect(third.status).toBe(0);
      expect(third.out).not.toContain('Reminder');
      const all = p.calls();
      expect(named(all, 'create-deployment')).toHaveLength(1);
      expect(named(all, 'update-deployment').map((argv) => argv[1])).toEqual([id, id, id]);
    },
    SLOW,
  );

  test.concurrent(
    'without deployment.json, an existing deployment is adopted by --deployment-id, never duplicated',
    async () => {
      const p = await setUpProject();
      expect((await p.run('deploy')).status).toBe(0);
      const id = p.json('deployment.json')!.deploymentId as string;
      rmSync(join(p.dir, 'deployment.json'));

      const lost = await p.run('deploy');
      expect(lost.status).not.toBe(0);
      expect(lost.out).toContain(id);
      expect(lost.out).toContain('npm run deploy -- --deployment-id');
      expect(named(p.calls(), 'create-deployment')).toHaveLength(1);

      const adopt = await p.run('deploy', ['--deployment-id', id]);
      expect(adopt.status).toBe(0);
      expect(adopt.out).toContain(urlOf(id));
      expect(named(p.calls(), 'update-deployment').map((argv) => argv[1])).toEqual([id, id]);
      expect(p.servedCode(id)).toContain(`var WEB_APP_URL = "${urlOf(id)}";`);
      expect(named(p.calls(), 'create-deployment')).toHaveLength(1);
    },
    SLOW,
  );
});

describe('traps', () => {
  test.concurrent(
    'not logged in: setup and deploy say to run npm run login; the placeholder .clasp.json is restored',
    async () => {
      const p = makeProject();
      p.setState({ loggedIn: false });
      const setup = await p.run('setup');
      expect(setup.status).not.toBe(0);
      expect(setup.out).toContain('No credentials found.'); // clasp's own text, passed through
      expect(setup.out).toContain('You are not logged in to Google. Run npm run login');
      expect(readFileSync(join(p.dir, '.clasp.json'), 'utf8')).toBe(PLACEHOLDER_TEXT);
      expect(existsSync(join(p.dir, '.clasp.json.placeholder'))).toBe(false);

      const q = await setUpProject();
      q.setState({ loggedIn: false });
      const deploy = await q.run('deploy');
      expect(deploy.status).not.toBe(0);
      expect(deploy.out).toContain('You are not logged in to Google. Run npm run login');
      expect(q.json('deployment.json')).toBeNull();
    },
    SLOW,
  );

  test.concurrent(
    'logged out: deploy and push stop at the login check, before the tests run',
    async () => {
      const p = await setUpProject();
      // The real order, without SKIP_CHECKS: the project's test script leaves a mark when it runs.
      const pkg = p.json('package.json')!;
      writeFileSync(
        join(p.dir, 'package.json'),
        JSON.stringify({
          ...pkg,
          scripts: { ...(pkg.scripts as object), test: "node -e \"require('fs').writeFileSync('tests-ran', '')\"" },
        }),
      );
      const real = { SKIP_CHECKS: '' };
      p.setState({ loggedIn: false });
      for (const task of ['deploy', 'push']) {
        const r = await p.run(task, [], real);
        expect(r.status).not.toBe(0);
        expect(r.out).toContain('You are not logged in to Google. Run npm run login');
        expect(existsSync(join(p.dir, 'tests-ran'))).toBe(false);
      }
      expect(p.calls().slice(1)).toEqual([['show-authorized-user'], ['show-authorized-user']]);
      expect(p.json('deployment.json')).toBeNull();

      // Logged in, the same deploy runs the tests: it was the login check that stopped it above.
      p.setState({ loggedIn: true });
      const ok = await p.run('deploy', [], real);
      expect(ok.status).toBe(0);
      expect(existsSync(join(p.dir, 'tests-ran'))).toBe(true);
    },
    SLOW,
  );

  test.concurrent(
    'a login Google refuses (invalid_grant), or a script this account cannot see: a next step, before the tests',
    async () => {
      const p = await setUpProject();
      p.setState({ tokenRevoked: true });
      const revoked = await p.run('deploy');
      expect(revoked.status).not.toBe(0);
      expect(revoked.out).toContain('invalid_grant'); // clasp's own text, passed through
      expect(revoked.out).toContain('Your Google login has expired, was revoked');
      expect(revoked.out).toContain('npm run login');
      expect(revoked.out).not.toContain('SKIP_CHECKS=1: skipping npm test'); // stopped before the test step
      expect(named(p.calls(), 'push')).toHaveLength(0);

      p.setState({ tokenRevoked: false });
      const config = p.json('.clasp.json')!;
      writeFileSync(
        join(p.dir, '.clasp.json'),
        JSON.stringify({ ...config, scriptId: '1FakeScriptOfAnotherAccount_abcdefghijklmnopqrstuvwxyz0123' }),
      );
      const unknown = await p.run('deploy');
      expect(unknown.status).not.toBe(0);
      expect(unknown.out).toContain('Google has no script 1FakeScriptOfAnotherAccount');
      expect(unknown.out).toContain('npx clasp show-authorized-user');
      expect(named(p.calls(), 'push')).toHaveLength(0);
    },
    SLOW,
  );

  test.concurrent(
    'Apps Script API turned off: the message points to the user settings page',
    async () => {
      const p = makeProject();
      p.setState({ apiEnabled: false });
      const setup = await p.run('setup');
      expect(setup.status).not.toBe(0);
      expect(setup.out).toContain('User has not enabled the Apps Script API');
      expect(setup.out).toContain(
        'The Apps Script API is turned off for your Google account. Open https://script.google.com/home/usersettings',
      );
      expect(setup.out).toContain('empty spreadsheet named "iClosed webhooks"'); // clasp makes the sheet before the script
      expect(readFileSync(join(p.dir, '.clasp.json'), 'utf8')).toBe(PLACEHOLDER_TEXT);

      const q = await setUpProject();
      q.setState({ apiEnabled: false });
      const deploy = await q.run('deploy');
      expect(deploy.status).not.toBe(0);
      expect(deploy.out).toContain('https://script.google.com/home/usersettings');
      expect(named(q.calls(), 'create-deployment')).toHaveLength(0);
    },
    SLOW,
  );

  test.concurrent(
    'no .clasp.json, or the placeholder still there: "run npm run setup first", before any clasp call',
    async () => {
      const p = makeProject();
      for (const task of ['deploy', 'push', 'open']) {
        const r = await p.run(task);
        expect(r.status).not.toBe(0);
        expect(r.out).toContain('placeholder');
        expect(r.out).toContain('npm run setup first');
      }
      rmSync(join(p.dir, '.clasp.json'));
      for (const task of ['deploy', 'push']) {
        const r = await p.run(task);
        expect(r.status).not.toBe(0);
        expect(r.out).toContain('No .clasp.json');
        expect(r.out).toContain('npm run setup first');
      }
      expect(p.calls()).toEqual([]);
    },
    SLOW,
  );

  test.concurrent(
    'a deployment id that no longer exists: explained, nothing created; removing the id makes a new one',
    async () => {
      const p = await setUpProject();
      expect((await p.run('deploy')).status).toBe(0);
      const id = p.json('deployment.json')!.deploymentId as string;
      expect((await p.clasp(['delete-deployment', id])).status).toBe(0); // as if deleted in the Apps Script editor

      const r = await p.run('deploy');
      expect(r.status).not.toBe(0);
      expect(r.out).toContain(`The deployment ${id} recorded in deployment.json no longer exists`);
      expect(r.out).toContain('delete the "deploymentId" from deployment.json');
      expect(r.out).toContain('NEW URL');
      let calls = p.calls();
      expect(named(calls, 'update-deployment')).toHaveLength(1); // the first deploy's own
      expect(named(calls, 'create-deployment')).toHaveLength(1);
      expect(calls.at(-1)![0]).toBe('list-deployments'); // found before pushing anything
      expect(p.json('deployment.json')!.deploymentId).toBe(id);

      const record = p.json('deployment.json')!;
      delete record.deploymentId;
      writeFileSync(join(p.dir, 'deployment.json'), JSON.stringify(record));
      const again = await p.run('deploy');
      expect(again.status).toBe(0);
      const newId = p.json('deployment.json')!.deploymentId as string;
      expect(newId).not.toBe(id);
      calls = p.calls();
      expect(named(calls, 'create-deployment')).toHaveLength(2);
    },
    SLOW,
  );
});

describe('npm run open', () => {
  test.concurrent(
    'prints the spreadsheet URL and runs clasp open-container',
    async () => {
      const p = await setUpProject();
      const parentId = p.json('.clasp.json')!.parentId as string;
      const r = await p.run('open');
      expect(r.status).toBe(0);
      expect(r.out).toContain(`https://docs.google.com/spreadsheets/d/${parentId}/edit`);
      expect(r.out).toContain(`Open https://drive.google.com/open?id=${parentId} in your browser to continue.`);
      expect(named(p.calls(), 'open-container')).toHaveLength(1);
    },
    SLOW,
  );
});

test.concurrent(
  'package.json runs these scripts, and deployment.json is not ignored by git',
  async () => {
    const scripts = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts as Record<string, string>;
    for (const task of ['login', 'setup', 'push', 'deploy', 'open']) expect(scripts[task]).toBe(`node scripts/clasp-tasks.mjs ${task}`);
    expect(scripts.docs).toBe('node scripts/docs.mjs');
    const ignored = spawnSync('git', ['check-ignore', '-q', 'deployment.json'], { cwd: REPO });
    expect(ignored.status).toBe(1); // 1: not ignored (0 would mean ignored)
  },
  SLOW,
);
