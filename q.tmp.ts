import { loadSession } from './src/recording/load.ts';
import { buildModel } from './src/analysis/model.ts';
import { hotSpots } from './src/analysis/sites.ts';
const d = loadSession(process.argv[2]);
console.log(d.problems, d.threads.length, Object.keys(d.threads[0]), d.threads[0].stats);
const m = buildModel(d);
console.log(m.timelines[0]?.at.length, m.gcs.length, m.sites.length, m.samples.length, m.samplingLiveKnown);
console.log(hotSpots(m, 'function', { includeNodeInternals: false }).slice(0, 4));
