/**
 * What the sampler reads goes into the recording: call-tree nodes as `frame` events, samples
 * as `sample` events, all at the time of their read (the precision of a sample's time).
 */
import type { SamplingSink } from '../probes/sampling.js';
import { K } from './events.js';
import type { Recorder } from './recorder.js';

export function samplingSink(recorder: Recorder): SamplingSink {
  let at = 0;
  // Depth-first, most frames share their parent's script: each url is a fresh string from the
  // read, which the dictionary would hash again.
  let lastUrl = '';
  let lastType = recorder.type('');
  return {
    read() {
      at = recorder.now();
    },
    frame(id, parent, fn, url, line, column) {
      if (url !== lastUrl) {
        lastUrl = url;
        lastType = recorder.type(url);
      }
      recorder.add(K.frame, at, id, parent, column, line, recorder.name(fn), lastType);
    },
    sample: (frame, size, ordinal) => recorder.add(K.sample, at, frame, -1, -1, ordinal, 0, 0, 0, 0, size),
    sampleGone: (ordinal) => recorder.add(K['sample-gone'], at, 0, -1, -1, ordinal),
  };
}
