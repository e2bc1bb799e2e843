/**
 * Which web app URL to give senders: the /exec URL `npm run deploy` recorded, else what Apps Script reports,
 * with a warning (and its fix) when that report is a /dev URL, a Workspace form, or another deployment.
 */

/** Where the URL shown came from: the deployment record compiled into the bundle, or ScriptApp.getService().getUrl(). */
export type WebAppUrlSource = 'deployment' | 'apps-script';

export interface WebAppUrl {
  /** The /exec URL to give senders (without the token), or null when none is known. */
  url: string | null;
  source: WebAppUrlSource | null;
  /** What is wrong and how to fix it, for the user to see; null when nothing is. */
  warning: string | null;
}

/** The parts of a web app URL: deployment id, Workspace domain (for the /a/… forms), and /exec or /dev. */
export interface ParsedWebAppUrl {
  id: string;
  domain: string | null;
  kind: 'exec' | 'dev';
}

// https://script.google.com/macros/s/<id>/exec, plus the Workspace forms /a/macros/<domain>/s/<id>/… and
// /a/<domain>/macros/s/<id>/… that getUrl() is reported to return on Workspace accounts.
const WEB_APP_URL =
  /^https:\/\/script\.google\.com\/(?:macros\/|a\/macros\/([^/?#]+)\/|a\/([^/?#]+)\/macros\/)s\/([A-Za-z0-9_-]+)\/(exec|dev)\/?$/;

export function parseWebAppUrl(url: string): ParsedWebAppUrl | null {
  const m = WEB_APP_URL.exec(url.trim());
  if (!m) return null;
  return { id: m[3], domain: m[1] ?? m[2] ?? null, kind: m[4] as 'exec' | 'dev' };
}

/** The plain /exec form of a deployment's URL, the one `npm run deploy` records. */
export function execUrl(deploymentId: string): string {
  return `https://script.google.com/macros/s/${deploymentId}/exec`;
}

const MANAGE = 'Deploy → Manage deployments in the script editor (Extensions → Apps Script)';

/**
 * The URL to show, from the recorded one (`recorded`, compiled into the bundle by build.mjs) and the one
 * ScriptApp.getService().getUrl() reported in this execution (`reported`). Public reports say getUrl()
 * gives the /dev URL in the editor and in triggers, a stale URL when a script has several deployments, and
 * a /a/<domain>/… form on Workspace accounts; so the record wins and getUrl() is only a fallback.
 * A /dev report next to a record is the editor's usual answer, not a problem, so it is not warned about.
 * A reported URL of another shape (the local server's) is shown as it is when nothing is recorded.
 */
export function resolveWebAppUrl(recorded: string | null, reported: string | null): WebAppUrl {
  const record = recorded ? parseWebAppUrl(recorded) : null;
  const report = reported ? parseWebAppUrl(reported) : null;
  if (recorded && (!record || record.kind !== 'exec' || record.domain)) {
    const fallback = resolveWebAppUrl(null, reported);
    const problem = `The web app URL built into this code (${recorded}) is not a …/macros/s/<id>/exec URL. Fix: run npm run deploy again.`;
    return { ...fallback, warning: fallback.warning ? `${problem} ${fallback.warning}` : problem };
  }
  if (record) {
    const url = execUrl(record.id);
    if (report && report.kind === 'exec' && report.id !== record.id) {
      return {
        url,
        source: 'deployment',
        warning:
          `Apps Script reports another web app URL (${reported}) than the deployment npm run deploy updates. ` +
          'The script has more than one deployment, and the other one runs other (older) code. ' +
          `Fix: give iClosed the URL shown here; archive the other deployment under ${MANAGE} if nothing uses it.`,
      };
    }
    if (report && report.kind === 'exec' && report.domain) {
      return {
        url,
        source: 'deployment',
        warning:
          `Apps Script reports this deployment in its Workspace form (${reported}), which may ask senders outside ` +
          `${report.domain} to sign in. Fix: give iClosed the URL shown here (…/macros/s/…/exec), not the /a/… form.`,
      };
    }
    return { url, source: 'deployment', warning: null };
  }
  if (!reported) return { url: null, source: null, warning: null };
  if (!report) return { url: reported, source: 'apps-script', warning: null };
  if (report.kind === 'dev') {
    return {
      url: null,
      source: null,
      warning:
        `Apps Script reports only the test URL (${reported}). A …/dev URL answers iClosed with a Google sign-in page, ` +
        "so nothing would be written. Fix: run npm run deploy, which records the web app's …/exec URL and shows it here; " +
        `or copy the …/exec URL from ${MANAGE} and add ?token= with the token below.`,
    };
  }
  if (report.domain) {
    return {
      url: execUrl(report.id),
      source: 'apps-script',
      warning:
        `Apps Script reports the web app URL in its Workspace form (${reported}), which may ask senders outside ` +
        `${report.domain} to sign in; the URL shown here is the same deployment in its plain form. ` +
        "Fix: give iClosed the URL shown here, and run npm run deploy so the deployment's own URL is recorded.",
    };
  }
  return { url: execUrl(report.id), source: 'apps-script', warning: null };
}
