/**
 * `npm start`: build.mjs bundles this file into .build/start.cjs and runs it.
 * Environment: PORT (default 8787), DATA_DIR (default .local/), WEBHOOK_TOKEN (optional: the
 * webhook secret to install on first start; the app generates one when unset), HOST (default 127.0.0.1),
 * EXEC_DIRECT=1 (answer POST /exec with 200 and the output instead of Google's 302, for debugging).
 */
import { banner, startServer } from './server';
import { DataFileError } from './server-state';

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 8787;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer from 0 to 65535, got ${JSON.stringify(raw)}`);
  }
  return port;
}

async function main(): Promise<void> {
  const port = parsePort(process.env.PORT);
  const dataDir = process.env.DATA_DIR || '.local';
  const token = process.env.WEBHOOK_TOKEN || undefined;
  const host = process.env.HOST || undefined;
  const execDirect = process.env.EXEC_DIRECT === '1';

  const server = await startServer({
    port,
    dataDir,
    token,
    host,
    execDirect,
    log: (message) => console.log(message),
  });
  console.log(banner(server, dataDir));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping. Every answered delivery is already on disk; writing a last snapshot of the workbook.`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof DataFileError) {
    console.error(err.message);
  } else if (e && e.code === 'EADDRINUSE') {
    console.error(`Port ${process.env.PORT || 8787} is in use: set PORT to another port (e.g. PORT=8788 npm start).`);
  } else {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  }
  process.exit(1);
});
