/**
 * Large uninitialised Buffers: calls of Buffer.allocUnsafe / allocUnsafeSlow of at least
 * `threshold` bytes, by call site. The V8 sampling heap profiler cannot see them (a Buffer's
 * memory is a backing store outside the V8 heap: 20 × 1 MiB allocUnsafe calls yield no
 * sample at all, measured), so the two functions are wrapped while recording. The wrapper
 * keeps their name and length, calls the original with the same argument (its errors are the
 * program's own, unchanged) and costs one comparison below the threshold. Above it, the
 * caller is read from a 1-frame structured stack, at most SITE_BUDGET times per second
 * (calls beyond that budget count under '(site not sampled)'). Only the program's own calls
 * and its packages' count: when the caller is Node itself (fs.readFileSync, Buffer.concat...,
 * which fill what they allocate) or memscope, the call is left out.
 */
import { Buffer } from 'node:buffer';
import { fileOf, frames, ownFolder } from './self.js';
import { NOT_SAMPLED } from './types.js';

export interface UnsafeSite {
  /** `function url:line:column` of the caller, or a placeholder. */
  site: string;
  calls: number;
  bytes: number;
  largest: number;
}

const SITE_BUDGET = 1000;
const MAX_SITES = 1000;
const OTHER = '(other sites)';

/** The folder of memscope's own code, whose calls are not the program's. */
let ownRoot: string | undefined;

/** `function file:line:column` of the direct caller of `skip`; null when it is Node or memscope. */
function callerSite(skip: (...args: never[]) => unknown): string | null {
  try {
    const f = frames(1, skip)[0];
    const file = f ? fileOf(f) : '';
    if (!f || !file || file.startsWith('node:') || (ownRoot !== undefined && file.startsWith(ownRoot))) return null;
    return `${f.getFunctionName() || '(anonymous)'} ${file}:${f.getLineNumber() ?? 0}:${f.getColumnNumber() ?? 0}`;
  } catch {
    return NOT_SAMPLED;
  }
}

export class UnsafeBufferProbe {
  private sites = new Map<string, UnsafeSite>();
  private restore: (() => void) | undefined;
  private second = 0;
  private captured = 0;

  constructor(readonly threshold: number) {}

  /** Wraps the two functions; false when they could not be replaced. */
  start(): boolean {
    ownRoot ??= ownFolder();
    const B = Buffer as unknown as Record<string, unknown>;
    const originals: [string, (size: number) => Buffer][] = [];
    for (const key of ['allocUnsafe', 'allocUnsafeSlow']) {
      const original = B[key];
      if (typeof original !== 'function') continue;
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- the wrapper's own `this` is Buffer's caller's
      const probe = this;
      const wrapped = {
        [key](this: unknown, size: number): Buffer {
          if (typeof size === 'number' && size >= probe.threshold) probe.note(size, wrapped);
          return Reflect.apply(original, this, [size]) as Buffer;
        },
      }[key];
      Object.defineProperty(wrapped, 'length', { value: (original as () => void).length });
      try {
        B[key] = wrapped;
        originals.push([key, original as (size: number) => Buffer]);
      } catch {
        // A frozen Buffer: nothing wrapped.
      }
    }
    this.restore = () => {
      for (const [key, original] of originals) if (B[key] !== original) B[key] = original;
    };
    return originals.length > 0;
  }

  stop(): void {
    this.restore?.();
    this.restore = undefined;
  }

  private note(size: number, wrapper: (...args: never[]) => unknown): void {
    try {
      const now = Math.floor(performance.now() / 1000);
      if (now !== this.second) {
        this.second = now;
        this.captured = 0;
      }
      let site: string | null = NOT_SAMPLED;
      if (this.captured < SITE_BUDGET) {
        this.captured++;
        site = callerSite(wrapper);
        if (site === null) return;
      }
      let s = this.sites.get(site);
      if (!s) {
        if (this.sites.size >= MAX_SITES) site = OTHER;
        s = this.sites.get(site) ?? { site, calls: 0, bytes: 0, largest: 0 };
        this.sites.set(site, s);
      }
      s.calls++;
      s.bytes += size;
      if (size > s.largest) s.largest = size;
    } catch {
      // Never throw into the program.
    }
  }

  /** The calls since the last take, by site. */
  take(): UnsafeSite[] {
    if (this.sites.size === 0) return [];
    const out = [...this.sites.values()];
    this.sites = new Map();
    return out;
  }
}
