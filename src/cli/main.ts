/**
 * The memscope command. Each subcommand lives in its own module; user errors print one line
 * and exit with a non-zero code, never a stack trace. What a command does (and the packages
 * it needs: apache-arrow, fastify, the heap engine) is imported when it runs, so that
 * `memscope run` starts the program without loading the reports' code first.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { UserError } from '../recording/user-error.js';
import { registerDiff } from './diff.js';
import { addHeapCommand } from './heap.js';
import { registerHtml } from './html.js';
import { registerReport } from './report.js';
import { registerRun } from './run.js';
import { registerServe } from './serve.js';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return String(pkg.version);
  } catch {
    return 'unknown';
  }
}

export function buildProgram(): Command {
  const program = new Command('memscope')
    .description(
      'Memory analysis for Node.js programs: which values hold the memory, since when, and what keeps them alive.',
    )
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError()
    .enablePositionalOptions()
    .exitOverride();
  registerRun(program);
  registerReport(program);
  registerHtml(program);
  registerServe(program);
  registerDiff(program);
  addHeapCommand(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (error) {
    // Usage errors (unknown option, missing argument) exit 2; help and version exit 0.
    if (error instanceof CommanderError) return error.exitCode === 1 ? 2 : error.exitCode;
    if (error instanceof UserError) {
      process.stderr.write(`memscope: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`memscope: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

// Output piped into a reader that stops early (`memscope heap x | head`): stop quietly, as
// other commands do, instead of an unhandled EPIPE with a stack.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(Number(process.exitCode ?? 0));
});

main(process.argv).then((code) => {
  process.exitCode = code;
});
