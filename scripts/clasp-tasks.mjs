#!/usr/bin/env node
// The npm scripts login, setup, push, deploy and open: clasp 3 wrapped with the checks and messages it lacks.
//
//   node scripts/clasp-tasks.mjs login  [clasp login options]       npm run login
//   node scripts/clasp-tasks.mjs setup  [--title <t>] [--parent-id <id>]   npm run setup -- …
//   node scripts/clasp-tasks.mjs push                               npm run push
//   node scripts/clasp-tasks.mjs deploy [--confirm-access] [--deployment-id <id>] [--new-deployment]
//   node scripts/clasp-tasks.mjs open                               npm run open
//
// Environment:
//   SKIP_CHECKS=1  push/deploy skip `npm test` (typecheck + jest); the login and deployment checks,
//                  the build and clasp still run.
//                  The deploy tests set it; do not use it for a real deploy.
//   CLASP_BIN      path of the clasp to run. Unset: `clasp` from PATH, then node_modules/.bin
//                  (`npm run` puts node_modules/.bin first, so npm scripts use the pinned clasp).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLASP_JSON = join(ROOT, '.clasp.json');
const CLASP_JSON_ASIDE = join(ROOT, '.clasp.json.placeholder');
const DEPLOYMENT_JSON = join(ROOT, 'deployment.json');
/** The committed .clasp.json names this script id so clasp works offline (show-file-status) before setup. */
const PLACEHOLDER_SCRIPT_ID = 'PLACEHOLDER_RUN_CLASP_CREATE_SCRIPT_SEE_README';
const ROOT_DIR = 'dist';
const USER_SETTINGS_URL = 'https://script.google.com/home/usersettings';
const DEFAULT_TITLE = 'iClosed webhooks';

class TaskError extends Error {}

const say = (text = '') => console.log(text);

// ---------------------------------------------------------------------------------------------
// Running clasp and npm

/** How to start clasp: CLASP_BIN, else `clasp` on PATH with this project's node_modules/.bin as a fallback. */
function claspCommand() {
  if (process.env.CLASP_BIN) return { command: process.env.CLASP_BIN, env: process.env };
  const PATH = [process.env.PATH, join(ROOT, 'node_modules', '.bin')].filter(Boolean).join(delimiter);
  return { command: 'clasp', env: { ...process.env, PATH } };
}

/**
 * Runs a command in ROOT. Output is shown as it comes and also returned, because clasp reports some
 * failures ("Project file already exists.", "Parent ID not set…", INVALID_ARGUMENT) with exit code 0:
 * callers must judge clasp by what it printed, not only by its exit code.
 */
function run(command, args, { env = process.env, interactive = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env,
      stdio: interactive ? 'inherit' : ['inherit', 'pipe', 'pipe'],
      shell: process.platform === 'win32', // clasp and npm are .cmd files there
    });
    let output = '';
    if (!interactive) {
      child.stdout.on('data', (chunk) => {
        output += chunk;
        process.stdout.write(chunk);
      });
      child.stderr.on('data', (chunk) => {
        output += chunk;
        process.stderr.write(chunk);
      });
    }
    child.on('error', (err) => {
      if (err.code === 'ENOENT')
        reject(new TaskError(`${command} was not found. Run npm install first (it installs clasp into node_modules/.bin).`));
      else reject(err);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function clasp(args, options = {}) {
  const { command, env } = claspCommand();
  say(`> clasp ${args.join(' ')}`);
  return run(command, args, { env, ...options });
}

async function npm(args) {
  say(`> npm ${args.join(' ')}`);
  const result = await run('npm', args, { interactive: true });
  if (result.code !== 0) throw new TaskError(`npm ${args.join(' ')} failed (exit ${result.code}); nothing was pushed.`);
}

/**
 * The known clasp failures, as messages that say what to do next. Null when the output shows none of them.
 * The texts are what clasp 3.4.1 prints: its own errors, and the Google API's message passed through
 * (build/src/core/utils.js handleApiError; a refused token refresh is google-auth-library's "invalid_grant").
 */
function diagnose(output) {
  if (/No credentials found|Not logged in\./i.test(output)) {
    return 'You are not logged in to Google. Run npm run login, then run this command again.';
  }
  if (/invalid_grant|invalid_rapt|Token has been expired or revoked|insufficient authentication scopes/i.test(output)) {
    return 'Your Google login has expired, was revoked, or lacks a permission clasp needs. Run npm run login again, then run this command again.';
  }
  if (/has not enabled the Apps Script API|Apps Script API has not been used/i.test(output)) {
    return (
      `The Apps Script API is turned off for your Google account. Open ${USER_SETTINGS_URL}, turn on ` +
      '"Google Apps Script API", wait a minute or two, then run this command again.'
    );
  }
  if (/Project settings not found|Script ID is not set/i.test(output)) {
    return 'This folder is not linked to an Apps Script project: run npm run setup first.';
  }
  if (/The caller does not have permission|PERMISSION_DENIED/i.test(output)) {
    return (
      'Google refused access to the script for the account you are logged in with. See which account that is with ' +
      "npx clasp show-authorized-user; log in as the script's owner (npm run login), or ask the owner to share the script with you as an editor."
    );
  }
  if (/Quota exceeded|RESOURCE_EXHAUSTED|Rate Limit Exceeded/i.test(output)) {
    return "Google's Apps Script API limit is used up for the moment. Wait a minute, then run this command again.";
  }
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|socket hang up/i.test(output)) {
    return 'Google could not be reached. Check the internet connection (and any proxy), then run this command again.';
  }
  return null;
}

/** Throws the diagnosis of a failed clasp step, or a generic message with its exit code. */
function claspFailed(step, result) {
  throw new TaskError(diagnose(result.output) ?? `clasp ${step} failed (exit ${result.code}); its output is above.`);
}

// ---------------------------------------------------------------------------------------------
// Project files

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    if (err.code === 'ENOENT') return null;
    throw new TaskError(`${path.slice(ROOT.length + 1)} is not valid JSON (${err.message}). Fix or delete it.`);
  }
}

function isPlaceholder(scriptId) {
  return typeof scriptId !== 'string' || scriptId.trim() === '' || scriptId === PLACEHOLDER_SCRIPT_ID;
}

/** .clasp.json with a real script id, or a message saying to run setup. */
function requireProject() {
  const config = readJson(CLASP_JSON);
  if (!config) {
    throw new TaskError('No .clasp.json: this folder is not linked to an Apps Script project yet. Run npm run setup first.');
  }
  if (isPlaceholder(config.scriptId)) {
    throw new TaskError(
      '.clasp.json still holds the placeholder script id, so there is no Apps Script project to push to yet. Run npm run setup first.',
    );
  }
  return config;
}

function readDeployment() {
  const record = readJson(DEPLOYMENT_JSON);
  if (record !== null && (typeof record !== 'object' || Array.isArray(record))) {
    throw new TaskError('deployment.json must be a JSON object. Fix or delete it.');
  }
  return record;
}

function writeDeployment(record) {
  const ordered = {
    '//': 'Written by npm run deploy. Commit it: every deploy updates this deployment, so the web app URL never changes.',
    scriptId: record.scriptId,
    deploymentId: record.deploymentId,
    url: record.deploymentId ? webAppUrl(record.deploymentId) : null,
    accessConfirmed: record.accessConfirmed === true,
  };
  writeFileSync(DEPLOYMENT_JSON, `${JSON.stringify(ordered, null, 2)}\n`);
}

function webAppUrl(deploymentId) {
  return `https://script.google.com/macros/s/${deploymentId}/exec`;
}

// ---------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv, spec) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split(/=(.*)/s, 2);
    const key = spec[name];
    if (!key) throw new TaskError(`Unknown option ${argv[i]}. Run node scripts/clasp-tasks.mjs help.`);
    if (key.endsWith('!')) {
      args[key.slice(0, -1)] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new TaskError(`${name} needs a value.`);
    args[key] = value;
  }
  return args;
}

/** A spreadsheet id, also from a pasted URL (https://docs.google.com/spreadsheets/d/<id>/edit…). */
function spreadsheetId(value) {
  const fromUrl = /\/d\/([A-Za-z0-9_-]{20,})/.exec(value);
  const id = fromUrl ? fromUrl[1] : value.trim();
  if (!/^[A-Za-z0-9_-]{20,}$/.test(id)) {
    throw new TaskError(`"${value}" does not look like a spreadsheet id (the part between /d/ and /edit in the sheet's URL).`);
  }
  return id;
}

// ---------------------------------------------------------------------------------------------
// Tasks

async function login(argv) {
  const result = await clasp(['login', ...argv], { interactive: true });
  if (result.code !== 0) process.exit(result.code);
  say();
  say(`Next: make sure "Google Apps Script API" is on at ${USER_SETTINGS_URL}, then run npm run setup.`);
}

async function setup(argv) {
  const args = parseArgs(argv, { '--title': 'title', '--parent-id': 'parentId', '--parentId': 'parentId' });
  const existing = readJson(CLASP_JSON);
  if (existing && !isPlaceholder(existing.scriptId)) {
    throw new TaskError(
      `This folder is already set up: .clasp.json names script ${existing.scriptId} ` +
        `(https://script.google.com/d/${existing.scriptId}/edit). Run npm run deploy. ` +
        'To link a different script instead, delete .clasp.json and deployment.json first.',
    );
  }
  const deployment = readDeployment();
  if (deployment?.deploymentId) {
    throw new TaskError(
      `deployment.json records deployment ${deployment.deploymentId} of another script. A new script needs a new ` +
        'deployment (and a new URL in iClosed): delete deployment.json first if that is what you want.',
    );
  }

  const title = args.title ?? DEFAULT_TITLE;
  // --type sheets makes a new spreadsheet and ignores --parentId, so binding to an existing
  // spreadsheet uses the default (standalone) type with --parentId: the script is bound to that file.
  const claspArgs = args.parentId
    ? ['create-script', '--title', title, '--parentId', spreadsheetId(args.parentId), '--rootDir', ROOT_DIR]
    : ['create-script', '--type', 'sheets', '--title', title, '--rootDir', ROOT_DIR];

  // create-script refuses to run ("Project file already exists.", exit 0) while .clasp.json names a
  // script, and the committed one names the placeholder: move it aside, and back if anything fails.
  if (existing) renameSync(CLASP_JSON, CLASP_JSON_ASIDE);
  let result;
  try {
    result = await clasp(claspArgs);
  } catch (err) {
    restorePlaceholder();
    throw err;
  }
  const created = /Created new script: https:\/\/script\.google\.com\/d\/([^/\s]+)\/edit/.exec(result.output);
  const config = readJson(CLASP_JSON);
  if (!created || !config || isPlaceholder(config.scriptId)) {
    if (!config || isPlaceholder(config.scriptId)) restorePlaceholder();
    let made = created
      ? ` clasp did create script ${created[1]} (https://script.google.com/d/${created[1]}/edit); delete it in Drive if unwanted.`
      : '';
    // For --type sheets clasp creates the spreadsheet (Drive API) before the script (Apps Script API).
    if (!created && !args.parentId && /has not enabled the Apps Script API/i.test(result.output)) {
      made += ` clasp may have left an empty spreadsheet named "${title}" in your Drive; delete it.`;
    }
    // clasp looks for .clasp.json in parent folders too.
    if (/Project file already exists/.test(result.output)) {
      made +=
        ' clasp found a .clasp.json naming a script in this folder or a parent folder; move that file away and run npm run setup again.';
    }
    throw new TaskError((diagnose(result.output) ?? `clasp create-script failed (exit ${result.code}); its output is above.`) + made);
  }
  rmSync(CLASP_JSON_ASIDE, { force: true });
  // clasp writes rootDir itself; keep it dist whatever it wrote, because the build writes there.
  if (config.rootDir !== ROOT_DIR) writeFileSync(CLASP_JSON, `${JSON.stringify({ ...config, rootDir: ROOT_DIR }, null, 2)}\n`);

  const parentId = config.parentId ?? (args.parentId && spreadsheetId(args.parentId));
  say();
  say(`Set up: script ${config.scriptId}, bound to spreadsheet ${parentId ?? '(unknown)'}.`);
  if (parentId) say(`  Spreadsheet:   https://docs.google.com/spreadsheets/d/${parentId}/edit`);
  say(`  Script editor: https://script.google.com/d/${config.scriptId}/edit`);
  say('.clasp.json now names this script; commit it in your fork. Next: npm run deploy.');
}

function restorePlaceholder() {
  if (existsSync(CLASP_JSON_ASIDE)) {
    rmSync(CLASP_JSON, { force: true });
    renameSync(CLASP_JSON_ASIDE, CLASP_JSON);
  }
}

/** Fails fast, before the slow tests, when clasp has no Google login. */
async function requireLogin() {
  const result = await clasp(['show-authorized-user']);
  // "You are logged in as an unknown user." (credentials that may have expired) passes: the next
  // clasp call that reaches Google tells the two apart, and diagnose() maps its error.
  if (result.code !== 0 || /Not logged in\./.test(result.output)) claspFailed('show-authorized-user', result);
}

/** The web app URL recorded for this script, or null: the build puts it into the bundle. */
function recordedUrl(config) {
  const record = readDeployment();
  return record?.deploymentId && (!record.scriptId || record.scriptId === config.scriptId) ? webAppUrl(record.deploymentId) : null;
}

/** `npm run push`: the login check, tests, build, `clasp push -f`. */
async function pushTask() {
  const config = requireProject(); // before the slow checks: no point testing what cannot be pushed
  await requireLogin();
  await runTests();
  await buildAndPush(recordedUrl(config));
}

async function runTests() {
  if (process.env.SKIP_CHECKS === '1') say('SKIP_CHECKS=1: skipping npm test (typecheck and jest).');
  else await npm(['test']);
}

/** Builds dist/ with `webAppUrl` (or none) as the bundle's recorded web app URL, then `clasp push -f`. */
async function buildAndPush(url) {
  const buildArgs = ['build.mjs', '--web-app-url', url ?? 'none'];
  say(`> node ${buildArgs.join(' ')}`);
  const build = await run(process.execPath, buildArgs, { interactive: true });
  if (build.code !== 0) throw new TaskError(`The build failed (exit ${build.code}); nothing was pushed.`);
  // -f: without it, clasp silently skips the push ("Skipping push.") when appsscript.json changed
  // and there is no terminal to ask on.
  const result = await clasp(['push', '-f']);
  if (!/Pushed (\d+ files|one file|no files)|Script is already up to date\./.test(result.output) || result.code !== 0) {
    claspFailed('push', result);
  }
}

/** Deployment ids as listed by `clasp list-deployments`: versioned ones, and the @HEAD (/dev, testing only) ones. */
async function listDeployments(scriptId) {
  const result = await clasp(['list-deployments']);
  if (result.code !== 0 || !/Found \d+ deployments?\.|No deployments\./.test(result.output)) {
    if (!diagnose(result.output) && /Requested entity was not found|NOT_FOUND/i.test(result.output)) {
      throw new TaskError(
        `Google has no script ${scriptId} for the account you are logged in with (deleted, or owned by another account). ` +
          'See the account with npx clasp show-authorized-user and log in as the owner (npm run login); ' +
          'or, to start over, delete .clasp.json and deployment.json and run npm run setup.',
      );
    }
    claspFailed('list-deployments', result);
  }
  const versioned = [];
  const head = [];
  for (const line of result.output.split('\n')) {
    const m = /^- (\S+) @(\S+)/.exec(line.trim());
    if (m) (m[2] === 'HEAD' ? head : versioned).push(m[1]);
  }
  return { versioned, head };
}

const ACCESS_STEPS = [
  'clasp cannot set who may use a new web app (google/clasp#1115), so this deployment may answer only your',
  'own Google account; iClosed would then get a Google sign-in page instead of the app. Once, by hand:',
  '  1. Open the script editor: npx clasp open-script (or Extensions → Apps Script in the spreadsheet).',
  '  2. Deploy → Manage deployments → select the "Web app" deployment → Edit (pencil).',
  '  3. Execute as: Me. Who has access: Anyone. Version: the newest. Click Deploy. The URL does not change.',
  '  4. Run npm run deploy -- --confirm-access to record that it is done.',
];

async function deploy(argv) {
  const args = parseArgs(argv, {
    '--confirm-access': 'confirmAccess!',
    '--deployment-id': 'deploymentId',
    '--new-deployment': 'newDeployment!',
  });
  const config = requireProject();
  let record = readDeployment();
  if (record?.scriptId && record.scriptId !== config.scriptId) {
    throw new TaskError(
      `deployment.json belongs to script ${record.scriptId}, but .clasp.json names script ${config.scriptId}. ` +
        'Restore the matching .clasp.json, or delete deployment.json to make a new deployment (with a new URL).',
    );
  }

  if (args.confirmAccess && !args.deploymentId) {
    if (!record?.deploymentId) throw new TaskError('Nothing to confirm yet: run npm run deploy first.');
    writeDeployment({ ...record, scriptId: config.scriptId, accessConfirmed: true });
    say(`Recorded: the web app allows Anyone. URL: ${webAppUrl(record.deploymentId)}`);
    return;
  }

  if (args.deploymentId) {
    // Adopt a deployment made elsewhere (e.g. in the editor): from now on deploy updates it.
    if (record?.deploymentId && record.deploymentId !== args.deploymentId) {
      say(`Replacing deployment ${record.deploymentId} in deployment.json: the URL given to iClosed changes.`);
    }
    record = { scriptId: config.scriptId, deploymentId: args.deploymentId, accessConfirmed: Boolean(args.confirmAccess) };
  }

  // Everything that can be checked is checked before the tests (a minute or more): the login, then
  // the script and its deployments as Google sees them, which also proves the Apps Script API is on.
  await requireLogin();
  const { versioned: ids, head } = await listDeployments(config.scriptId);
  if (record?.deploymentId) {
    const id = record.deploymentId;
    if (head.includes(id)) {
      throw new TaskError(
        `${id} is the script's head deployment (/dev, for testing; it cannot serve iClosed). Use a web app deployment: npm run deploy -- --deployment-id <id>.`,
      );
    }
    // Updating a vanished id would still create a new version before failing.
    if (!ids.includes(id)) throw new TaskError(vanished(id, config.scriptId, ids));
  } else if (ids.length && !args.newDeployment) {
    // Never create a second deployment quietly: an existing versioned one (made in the editor, or by
    // a deploy whose deployment.json was lost) keeps its URL instead.
    throw new TaskError(
      `No deployment.json here, but script ${config.scriptId} already has deployment(s): ${ids.join(', ')}.\n` +
        'To keep the URL iClosed already uses, run npm run deploy -- --deployment-id <one of them>.\n' +
        'To make another deployment with a new URL, run npm run deploy -- --new-deployment.',
    );
  }

  await runTests();
  const description = `iclosed-sheets ${new Date().toISOString()}`;

  if (record?.deploymentId) {
    const id = record.deploymentId;
    await buildAndPush(webAppUrl(id));
    await updateDeployment(id, description, config.scriptId, ids);
    writeDeployment({ ...record, scriptId: config.scriptId });
    say();
    say(`Deployed: the web app now runs the code just pushed. URL (unchanged): ${webAppUrl(id)}`);
    if (!record.accessConfirmed) {
      say();
      say('Reminder: deployment.json does not record that this web app allows Anyone yet.');
      for (const line of ACCESS_STEPS) say(line);
    }
    return;
  }

  // First deployment: its URL exists only once it is created, so the code is pushed, deployed,
  // then built again with the URL in it, pushed again, and the same deployment updated to that code.
  await buildAndPush(null);
  const result = await clasp(['create-deployment', '--description', description]);
  const created = /Deployed (\S+) @/.exec(result.output);
  if (!created) {
    throw new TaskError(
      (diagnose(result.output) ?? `clasp create-deployment did not report a deployment id (exit ${result.code}); its output is above.`) +
        '\nIf a deployment was made anyway, npx clasp list-deployments shows it: adopt it with npm run deploy -- --deployment-id <id>.',
    );
  }
  const id = created[1];
  writeDeployment({ scriptId: config.scriptId, deploymentId: id, accessConfirmed: false });
  say();
  say(`Created the web app deployment ${id}, recorded in deployment.json (commit it).`);
  say('Building and pushing again with its URL in the code, then updating the deployment to that code.');
  try {
    await buildAndPush(webAppUrl(id));
    await updateDeployment(id, description, config.scriptId, [...ids, id]);
  } catch (err) {
    if (!(err instanceof TaskError)) throw err;
    throw new TaskError(
      `${err.message}\nThe deployment ${id} exists and is recorded in deployment.json, but it runs code without its own URL ` +
        '(the sidebar then falls back to what Apps Script reports). Fix the above, then run npm run deploy again: it updates this deployment.',
    );
  }
  say();
  say(`Web app URL: ${webAppUrl(id)}`);
  say('Every later npm run deploy updates this same deployment, so the URL stays the same.');
  say();
  say('One more step, once:');
  for (const line of ACCESS_STEPS) say(line);
}

/** `clasp update-deployment`: the deployment serves the code just pushed, as a new version. */
async function updateDeployment(id, description, scriptId, ids) {
  const result = await clasp(['update-deployment', id, '--description', description]);
  if (!new RegExp(`Redeployed ${escapeRegExp(id)}\\b`).test(result.output)) {
    // Deleted between the listing and the update: the API answers 404 "Requested entity was not found."
    if (!diagnose(result.output) && /Requested entity was not found|NOT_FOUND/i.test(result.output)) {
      throw new TaskError(
        vanished(
          id,
          scriptId,
          ids.filter((d) => d !== id),
        ),
      );
    }
    claspFailed('update-deployment', result);
  }
}

function vanished(id, scriptId, others) {
  return (
    `The deployment ${id} recorded in deployment.json no longer exists in script ${scriptId} ` +
    '(deleted or archived in the Apps Script editor?).\n' +
    (others.length
      ? `The script has these deployments: ${others.join(', ')}; adopt one with npm run deploy -- --deployment-id <id>.\n`
      : '') +
    'Or delete the "deploymentId" from deployment.json (or the file) and run npm run deploy to create a new one.\n' +
    'Warning: a new deployment has a NEW URL; paste it into iClosed afterwards.'
  );
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function open() {
  const config = requireProject();
  if (!config.parentId) {
    throw new TaskError(
      `.clasp.json has no parentId: script ${config.scriptId} is not bound to a spreadsheet that clasp knows of. ` +
        `Open the script at https://script.google.com/d/${config.scriptId}/edit.`,
    );
  }
  say(`Spreadsheet: https://docs.google.com/spreadsheets/d/${config.parentId}/edit`);
  const result = await clasp(['open-container'], { interactive: true });
  if (result.code !== 0) process.exit(result.code);
}

function help() {
  say(`Usage: node scripts/clasp-tasks.mjs <task> [options]   (or npm run <task> -- [options])

  login                      clasp login (Google account); extra options go to clasp login
  setup                      create a new spreadsheet and its bound script (.clasp.json, rootDir dist)
    --title <title>          the spreadsheet and script title (default "${DEFAULT_TITLE}")
    --parent-id <id>         bind to an existing spreadsheet instead (its id or URL)
  push                       login check, npm test, build, clasp push -f
  deploy                     login and deployment checks, npm test, build with the web app URL in it,
                             clasp push -f, then create the web app deployment (first time: pushed again
                             with its new URL, and updated) or update it, keeping its id and URL in
                             deployment.json so the /exec URL never changes
    --confirm-access         record that "Who has access: Anyone" is set (no push)
    --deployment-id <id>     update this existing deployment from now on (e.g. one made in the editor)
    --new-deployment         create a deployment even though the script has others (new URL)
  open                       open the spreadsheet (clasp open-container)

Environment: SKIP_CHECKS=1 skips npm test in push/deploy (used by the tests; not for real deploys).
CLASP_BIN=<path> runs that clasp; otherwise clasp from PATH, then node_modules/.bin.`);
}

const TASKS = { login, setup, push: () => pushTask(), deploy, open: () => open(), help: () => help() };

const [task, ...rest] = process.argv.slice(2);
if (!TASKS[task] || (task !== 'login' && (rest.includes('--help') || rest.includes('-h')))) {
  help(); // login's --help goes to clasp login
  process.exit(task && !TASKS[task] ? 1 : 0);
}
try {
  await TASKS[task](rest);
} catch (err) {
  if (!(err instanceof TaskError)) throw err;
  console.error();
  console.error(`✖ ${err.message}`);
  process.exit(1);
}
