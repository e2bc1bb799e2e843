// Logger and console: collected in runtime.logs, printed only with GAS_LOCAL_VERBOSE=1.
import { inspect } from 'util';
import { instrument, Service } from './calls';
import type { SharedState, LogEntry } from './shared-state';
import { formatPrintf } from './utilities';

function text(v: unknown): string {
  return typeof v === 'string' ? v : inspect(v, { depth: 4, breakLength: Infinity });
}

function record(rt: SharedState, entry: LogEntry): void {
  rt.logs.push(entry);
  if (rt.verbose()) process.stderr.write(`[${entry.source}.${entry.level}] ${entry.message}\n`);
}

/** The Logger global (https://developers.google.com/apps-script/reference/base/logger). */
export class LoggerImpl extends Service<SharedState> {
  /** log(data) or log(format, ...values) with printf placeholders. */
  log(data: unknown, ...values: unknown[]): this {
    const message = values.length && typeof data === 'string' ? formatPrintf(data, values) : text(data);
    record(this.__rt, { source: 'Logger', level: 'log', message });
    return this;
  }
  getLog(): string {
    return this.__rt.logs
      .filter((l) => l.source === 'Logger')
      .map((l) => l.message)
      .join('\n');
  }
  clear(): void {
    const keep = this.__rt.logs.filter((l) => l.source !== 'Logger');
    this.__rt.logs.length = 0;
    this.__rt.logs.push(...keep);
  }
}

instrument(LoggerImpl, 'Logger');

/**
 * The console global: log/info/warn/error/debug go to Cloud Logging on the platform
 * (https://developers.google.com/apps-script/guides/logging). Not a service call, so not counted.
 */
export function makeConsole(rt: SharedState): Pick<Console, 'log' | 'info' | 'warn' | 'error' | 'debug'> {
  const at =
    (level: LogEntry['level']) =>
    (...args: unknown[]): void =>
      record(rt, { source: 'console', level, message: args.map(text).join(' ') });
  return { log: at('log'), info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}
