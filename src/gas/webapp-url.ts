/** The web app URL for the sidebar: the one `npm run deploy` recorded (compiled in by build.mjs), else ScriptApp's. */
import { resolveWebAppUrl, type WebAppUrl } from '../core/webapp-url';

/** Replaced by build.mjs (esbuild define) with deployment.json's URL or null; undeclared elsewhere. */
declare const __WEB_APP_URL__: string | null | undefined;

export function recordedWebAppUrl(): string | null {
  return typeof __WEB_APP_URL__ === 'string' ? __WEB_APP_URL__ : null;
}

/** https://developers.google.com/apps-script/reference/script/service#getUrl(): null when not deployed as a web app. */
function reportedWebAppUrl(): string | null {
  try {
    return ScriptApp.getService().getUrl() || null; // a string, or null when not deployed; '' is treated as null too
  } catch {
    return null; // no authorization for ScriptApp in this execution: the record alone decides
  }
}

export function webAppUrl(): WebAppUrl {
  return resolveWebAppUrl(recordedWebAppUrl(), reportedWebAppUrl());
}
