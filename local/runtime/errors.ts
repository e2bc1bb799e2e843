// Platform-style errors: Apps Script surfaces service failures as errors named "Exception".

/**
 * An error as Apps Script raises it from a service: `name` is "Exception", so `String(e)` reads
 * "Exception: <message>" like the execution log (observed in many logs, e.g. apps-script-facts.md §5).
 */
export class GasException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Exception';
  }
}

/** Throw a GasException. */
export function fail(message: string): never {
  throw new GasException(message);
}
