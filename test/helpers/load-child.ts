// Run in a child process with a small heap by test/recording/load-batches.test.ts: loads each
// recording named on the command line and prints one JSON line per file: 'ok' with its
// problem, 'user' with the error's message, or 'crash' for anything else. A file whose
// corrupt lengths made the loader allocate without bound ends this process instead.
import { buildModel } from '../../src/analysis/model.js';
import { loadSession } from '../../src/recording/load.js';
import { UserError } from '../../src/recording/user-error.js';

for (const file of process.argv.slice(2)) {
  try {
    const data = loadSession(file);
    buildModel(data);
    console.log(JSON.stringify({ file, outcome: 'ok', problems: data.problems }));
  } catch (error) {
    const outcome = error instanceof UserError ? 'user' : 'crash';
    console.log(JSON.stringify({ file, outcome, message: error instanceof Error ? error.message : String(error) }));
  }
}
