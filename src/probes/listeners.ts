/**
 * Listener leaks: Node emits a MaxListenersExceededWarning the first time an emitter gets
 * more listeners for one event than its limit (10 by default). This probe listens to
 * process 'warning' beside Node's own printer, so the program's warning output is unchanged
 * (a 'warning' listener does not silence it; --no-warnings still does), and keeps strings
 * only: the emitter's type name, the event, the count and the call site that added the
 * listener (the first frame of the warning's stack outside Node's internals). The emitter
 * itself is never kept.
 */
import { dataValue, gopd } from '../tracker/classify.js';
import { nameOf } from '../tracker/typename.js';

export interface ListenerWarning {
  /** The emitter's type name (`EventEmitter`, `Socket`, a class name...). */
  emitter: string;
  /** The event name (a symbol is written `Symbol(description)`). */
  event: string;
  /** Listeners for that event when the warning was emitted. */
  count: number;
  /** `function file:line:column` of the code that added the listener, '' when unknown. */
  site: string;
}

const MAX_WARNINGS = 1000;

/** The first stack frame outside Node's internals, as `function url:line:column`. */
export function siteFromStack(stack: string): string {
  for (const line of stack.split('\n').slice(1, 40)) {
    const m = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/.exec(line);
    if (!m) continue;
    const url = m[2];
    if (url.startsWith('node:') || url === 'native' || !/[\\/]/.test(url)) continue;
    return `${m[1] || '(anonymous)'} ${url}:${m[3]}:${m[4]}`;
  }
  return '';
}

/** Calls `onWarning` for each MaxListenersExceededWarning; returns a stop function. */
export function startListenerProbe(onWarning: (w: ListenerWarning) => void): () => void {
  let seen = 0;
  const listener = (warning: unknown) => {
    try {
      if (seen >= MAX_WARNINGS || typeof warning !== 'object' || warning === null) return;
      // Own data properties only (Node sets them on the warning): no getter of a user's warning runs.
      const own = (key: string) => dataValue(gopd(warning, key));
      if (own('name') !== 'MaxListenersExceededWarning') return;
      seen++;
      const emitter = own('emitter');
      const type = own('type');
      const count = own('count');
      const stack = own('stack');
      onWarning({
        emitter: typeof emitter === 'object' && emitter !== null ? nameOf(emitter, 0) : 'unknown',
        event: typeof type === 'symbol' ? type.toString() : String(type),
        count: typeof count === 'number' ? count : 0,
        site: typeof stack === 'string' ? siteFromStack(stack) : '',
      });
    } catch {
      // A probe never throws into the program.
    }
  };
  process.on('warning', listener);
  return () => process.removeListener('warning', listener);
}
