/**
 * `memscope report <session dir|recording>`: regenerates every output from the recording.
 * `memscope convert ... --to json|pprof|heapprofile`: one format on request.
 * Damage in a recording is one line per file on stderr, exit 2, and the outputs are still
 * written from every whole batch before the damage (and say so in their metadata.problems).
 * What they do is loaded when one of them runs (report-run.ts).
 */
import { type Command, Option } from 'commander';
import type { ExportMode } from '../report/six-json.js';

export interface ReportCommandOptions {
  out?: string;
  mode: ExportMode;
  nodeInternals: boolean;
  quiet?: boolean;
}

export interface ConvertCommandOptions {
  to: string;
  out?: string;
  mode: ExportMode;
  nodeInternals: boolean;
}

const modeOption = () =>
  new Option('--mode <mode>', 'fast (aggregates only), detailed (every event) or auto (by size)')
    .choices(['fast', 'detailed', 'auto'])
    .default('auto');

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('regenerate every output of a session from its recording')
    .argument('<session>', 'session folder (or one .memscope file)')
    .option('--out <dir>', 'folder for the outputs (default: the session folder)')
    .addOption(modeOption())
    .option('--no-node-internals', 'leave node-internal frames out of the allocation hot spots')
    .option('--quiet', 'print nothing but problems')
    .action(async (session: string, opts: ReportCommandOptions) => {
      process.exitCode = await (await import('./report-run.js')).reportSession(session, opts);
    });

  program
    .command('convert')
    .description('convert a recording to JSON reports, pprof (.pb.gz) or a Chrome DevTools .heapprofile')
    .argument('<recording>', 'session folder or one .memscope file')
    .addOption(
      new Option('--to <format>', 'output format').choices(['json', 'pprof', 'heapprofile']).makeOptionMandatory(),
    )
    .option('--out <path>', 'output file (pprof, heapprofile) or folder (json)')
    .addOption(modeOption())
    .option('--no-node-internals', 'leave node-internal frames out')
    .action(async (recording: string, opts: ConvertCommandOptions) => {
      process.exitCode = await (await import('./report-run.js')).convertRecording(recording, opts);
    });
}
