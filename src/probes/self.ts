/**
 * Where code runs from, through V8's structured stack frames: the caller of a function, and
 * memscope's own folder (so its own work is not attributed to the program). The program's
 * stack settings (Error.prepareStackTrace, Error.stackTraceLimit) are restored at once.
 */

export interface CallSite {
  getFileName(): string | null;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
  getFunctionName(): string | null;
}

/** The first `limit` frames above `skip` (which is left out, with everything it called). */
export function frames(limit: number, skip: (...args: never[]) => unknown): CallSite[] {
  const E = Error as unknown as {
    prepareStackTrace?: unknown;
    stackTraceLimit: number;
    captureStackTrace(o: object, f: unknown): void;
  };
  const hadPrepare = Object.hasOwn(E, 'prepareStackTrace');
  const prepare = E.prepareStackTrace;
  const stackLimit = E.stackTraceLimit;
  try {
    E.prepareStackTrace = (_: unknown, list: CallSite[]) => list;
    E.stackTraceLimit = limit;
    const holder: { stack?: CallSite[] } = {};
    E.captureStackTrace(holder, skip);
    return Array.isArray(holder.stack) ? holder.stack : [];
  } finally {
    if (hadPrepare) E.prepareStackTrace = prepare;
    else delete E.prepareStackTrace;
    E.stackTraceLimit = stackLimit;
  }
}

/** A frame's file as a path (ESM frames give file:// URLs). */
export const fileOf = (f: CallSite) => (f.getFileName() ?? '').replace(/^file:\/\//, '');

/**
 * memscope's own folder: the last dist/ or src/ folder in this module's path
 * (`.../node_modules/memscope/dist/`, or the repository's `src/` when run from source).
 */
export function ownFolder(): string | undefined {
  try {
    const f = frames(1, ownFolder as (...args: never[]) => unknown)[0];
    const here = f ? fileOf(f) : '';
    const m = /^(.*[\\/](?:dist|src)[\\/])/.exec(here);
    return m ? m[1] : undefined;
  } catch {
    return undefined;
  }
}
