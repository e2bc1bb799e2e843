/**
 * Who may use the `npm start` server's local surfaces (/, /sidebar, /api/*): requests addressed to
 * this server by name (Host), not sent by another site's page (Origin, Sec-Fetch-Site), and for
 * /api/run a per-start secret that only the served /sidebar page holds, in a header a cross-origin
 * page cannot send without a preflight the server never grants (it answers no CORS at all).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type * as http from 'node:http';

/** The header the sidebar page sends with every google.script.run call. */
export const SCRIPT_RUN_SECRET_HEADER = 'x-script-run-secret';

export interface Guard {
  /** The per-start secret /api/run requires (put into the /sidebar page only). */
  readonly scriptRunSecret: string;
  /** Why `req` may not use a local surface, or null when it may. */
  refusal(req: http.IncomingMessage): string | null;
  /** True when `req` carries the /api/run secret. */
  hasScriptRunSecret(req: http.IncomingMessage): boolean;
  /** True when the Host header names this server (localhost, 127.0.0.1, [::1] or the configured host, with its port). */
  ownHost(req: http.IncomingMessage): boolean;
}

/** Hosts that always reach a server bound to the loopback interface. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
/** Addresses that mean "every interface": no name of its own. */
const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '[::]']);

export function createGuard(port: number, configuredHost: string): Guard {
  const names = new Set(LOOPBACK_NAMES);
  const configured = configuredHost.toLowerCase();
  if (!WILDCARD_HOSTS.has(configured)) names.add(configured.includes(':') && !configured.startsWith('[') ? `[${configured}]` : configured);
  const hosts = new Set<string>();
  for (const name of names) {
    hosts.add(`${name}:${port}`);
    if (port === 80) hosts.add(name);
  }
  const origins = new Set([...hosts].map((h) => `http://${h}`));
  const secret = randomBytes(24).toString('base64url');
  const secretBytes = Buffer.from(secret);

  const ownHost = (req: http.IncomingMessage) => hosts.has(String(req.headers.host ?? '').toLowerCase());
  return {
    scriptRunSecret: secret,
    ownHost,
    refusal(req) {
      // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 sends Host: evil.example.
      if (!ownHost(req)) return 'Host is not this server: use http://localhost:PORT or http://127.0.0.1:PORT.';
      const origin = req.headers.origin;
      if (origin !== undefined && !origins.has(origin.toLowerCase())) return 'requests from other sites are refused.';
      // Browsers say where a request comes from even when they send no Origin (a no-cors GET, a navigation).
      const site = req.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'requests from other sites are refused.';
      return null;
    },
    hasScriptRunSecret(req) {
      const sent = req.headers[SCRIPT_RUN_SECRET_HEADER];
      if (typeof sent !== 'string') return false;
      const bytes = Buffer.from(sent);
      return bytes.length === secretBytes.length && timingSafeEqual(bytes, secretBytes);
    },
  };
}
