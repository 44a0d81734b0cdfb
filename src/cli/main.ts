/**
 * The memscope command. Each subcommand lives in its own module; user errors print one line
 * and exit with a non-zero code, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';

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
    .exitOverride();
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`memscope: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
