/**
 * Sampled allocations by scope name, through the scope frames of the call stacks
 * (tracker.ts, `memscope_scope_<hex>`): a sample whose stack holds a scope frame was
 * allocated while that scope's function ran synchronously; the innermost one wins. A sample
 * taken after an `await` (the continuation runs from the microtask queue, without the frame)
 * or inside `enterScope()` has no scope frame and is counted as unattributed: V8's sampling
 * heap profiler records stack frames only, not the async context (docs/threads.md).
 */
import { SCOPE_FRAME_PREFIX } from '../tracker/tracker.js';
import type { SessionModel } from './model.js';
import { depthOrder, originOf } from './sites.js';

export interface ScopeSampling {
  scope: string;
  /** Sampled bytes allocated while the scope ran synchronously (innermost scope only). */
  bytes: number;
  samples: number;
}

export interface SampledByScope {
  byScope: ScopeSampling[];
  attributedBytes: number;
  /** Sampled bytes, memscope's own allocations left out (as from the hot spots). */
  totalBytes: number;
}

const HEX = /^[0-9a-f]*$/;

/** The scope name of a scope frame, or undefined for any other frame. */
export function scopeOfFrame(functionName: string, url: string): string | undefined {
  if (url !== '' || !functionName.startsWith(SCOPE_FRAME_PREFIX)) return undefined;
  const hex = functionName.slice(SCOPE_FRAME_PREFIX.length);
  if (hex.length % 2 !== 0 || !HEX.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return new TextDecoder().decode(bytes);
}

export function sampledByScope(model: SessionModel): SampledByScope {
  const scopeOf: (string | undefined)[] = new Array(model.sites.length);
  for (const id of depthOrder(model.sites)) {
    const s = model.sites[id];
    scopeOf[id] = scopeOfFrame(s.functionName, s.url) ?? (s.parent >= 0 ? scopeOf[s.parent] : undefined);
  }
  const by = new Map<string, ScopeSampling>();
  let attributedBytes = 0;
  let totalBytes = 0;
  const own = new Map<number, boolean>();
  const ownRoot = model.meta.memscopeRoot;
  for (const sample of model.samples) {
    // memscope's own allocations (say, describing a value tracked inside the scope) are not the scope's.
    let mine = own.get(sample.site);
    if (mine === undefined) {
      const site = model.sites[sample.site];
      mine = originOf(site.url, site.functionName, ownRoot).origin === 'memscope';
      own.set(sample.site, mine);
    }
    if (mine) continue;
    totalBytes += sample.size;
    const scope = scopeOf[sample.site];
    if (scope === undefined) continue;
    attributedBytes += sample.size;
    let e = by.get(scope);
    if (!e) by.set(scope, (e = { scope, bytes: 0, samples: 0 }));
    e.bytes += sample.size;
    e.samples++;
  }
  return { byScope: [...by.values()].sort((a, b) => b.bytes - a.bytes), attributedBytes, totalBytes };
}
