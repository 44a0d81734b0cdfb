/**
 * `memscope serve <dir> [--port 8080] [--host 127.0.0.1]`: the dashboard and its read-only
 * API over the sessions of a folder. Binds to loopback unless told otherwise.
 */
import type { Command } from 'commander';
import { UserError } from '../recording/user-error.js';
import { checkFolder } from './html.js';

interface ServeOptions {
  port?: string;
  host?: string;
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 8080;
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535)
    throw new UserError(`--port ${text}: not a port number (0 to 65535)`);
  return Number(text);
}

/** Starts the server; resolves with its address and a function that stops it. */
async function serve(dir: string, options: ServeOptions) {
  const root = checkFolder(dir);
  const port = parsePort(options.port);
  const host = options.host ?? '127.0.0.1';
  // The server and the session loader are loaded here, when the command runs.
  const [{ createServer }, { loadSessionModel }] = await Promise.all([
    import('../server/app.js'),
    import('../server/loader.js'),
  ]);
  const app = createServer({ root, load: loadSessionModel, preload: true });
  try {
    await app.listen({ port, host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const cause = { cause: error };
    if (code === 'EADDRINUSE') throw new Error(`port ${port} on ${host} is in use: choose another with --port`, cause);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new Error(`cannot listen on ${host}: no such local address`, cause);
    if (code === 'EACCES')
      throw new Error(`not allowed to listen on port ${port}: choose one above 1023 with --port`, cause);
    throw error;
  }
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shownHost}:${actualPort}/`, close: () => app.close() };
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the interactive dashboard and a read-only API over the sessions of a folder')
    .argument('<dir>', 'a session folder, or a folder of sessions such as MemoryAnalysis/')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', '8080')
    .option(
      '--host <host>',
      'address to bind; other machines can connect only if you choose one they reach',
      '127.0.0.1',
    )
    .action(async (dir: string, options: ServeOptions) => {
      const server = await serve(dir, options);
      const sessions = await (await import('../server/sessions.js')).findSessions(checkFolder(dir));
      process.stdout.write(
        `memscope dashboard at ${server.url} (${sessions.length} session(s) in ${checkFolder(dir)}); Ctrl+C stops it\n`,
      );
      if (options.host && options.host !== '127.0.0.1' && options.host !== 'localhost' && options.host !== '::1') {
        process.stdout.write(
          `note: listening on ${options.host}, reachable from other machines; the API is read-only\n`,
        );
      }
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          server.close().then(done, done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
