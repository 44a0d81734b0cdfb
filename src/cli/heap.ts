/**
 * `memscope heap <file>`: what holds the memory in a V8 heap snapshot (classes and objects by
 * retained size, retainer paths, external memory), and `memscope heap diff <a> <b>`: what grew.
 * A snapshot that cannot be read ends in one line naming the file, the problem and the byte
 * offset, with exit code 2.
 */
import { type Command, CommanderError } from 'commander';
import { SnapshotFormatError } from '../heap/errors.js';
import { UserError } from '../recording/user-error.js';

/** Registers `heap` (and `heap diff`) on the program. */
export function addHeapCommand(program: Command): Command {
  const heap = program
    .command('heap')
    .description('what holds the memory in a V8 heap snapshot (.heapsnapshot from Node or Chrome)')
    .argument('<file>', 'heap snapshot file')
    .option('--top <n>', 'rows in each table', '20')
    .option('--json', 'print JSON instead of tables')
    .option('--class <name>', 'list the largest objects of this class, with their retainer paths')
    .option('--path-to <nodeId>', 'the shortest retainer path from the roots to the node with this id')
    .action(async (file: string, opts: HeapOptions) => {
      await userErrors('heap', async () => (await import('./heap-run.js')).runHeap(file, opts));
    });
  heap
    .command('diff')
    .description('compare two snapshots of one process: new objects by class, classes that grew')
    .argument('<a>', 'the earlier snapshot')
    .argument('<b>', 'the later snapshot')
    .option('--top <n>', 'rows in each table (default: 20)')
    .option('--json', 'print JSON instead of tables')
    .action(async (a: string, b: string, own: { top?: string; json?: boolean }) => {
      // Options written after `diff` may be parsed by `heap` (the program does not use
      // positional options): take them from either.
      const opts = { ...heap.opts(), ...Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined)) };
      await userErrors('heap diff', async () =>
        (await import('./heap-run.js')).runDiff(a, b, opts as { top: string; json?: boolean }),
      );
    });
  return heap;
}

export interface HeapOptions {
  top: string;
  json?: boolean;
  class?: string;
  pathTo?: string;
}

/** A user error prints one line and exits 2; anything else is a bug and keeps its stack. */
async function userErrors(command: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    let message: string | undefined;
    if (error instanceof SnapshotFormatError || error instanceof UserError) message = error.message;
    else if (code === 'ENOENT') message = `${(error as NodeJS.ErrnoException).path}: no such file`;
    else if (code === 'EACCES') message = `${(error as NodeJS.ErrnoException).path}: permission denied`;
    if (message === undefined) throw error;
    process.stderr.write(`memscope ${command}: ${message}\n`);
    throw new CommanderError(2, 'memscope.heap', message);
  }
}
