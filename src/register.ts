/**
 * The preload entry: `node --import memscope/register app.js`. Records the program with no
 * code change (filled in by the recording work: probes, recording, reports at exit).
 */
export {};
