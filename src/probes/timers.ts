/**
 * Active timers: how many ref'd Timeout objects (setTimeout / setInterval not yet fired or
 * cleared) keep the event loop alive, from process.getActiveResourcesInfo(). An interval that
 * is never cleared keeps its callback and everything the callback's closure holds: a count
 * that keeps rising is a timer leak. Unref'd timers (memscope's own) are not listed by Node.
 *
 * The listing is O(active handles and timers): above LARGE timers the probe skips
 * count / LARGE ticks (at most 15) between two reads.
 */
const LARGE = 10_000;

const activeResources = (process as { getActiveResourcesInfo?: () => string[] }).getActiveResourcesInfo;

/** Ref'd Timeout objects of this thread; -1 when this Node cannot tell. */
export function activeTimers(): number {
  if (typeof activeResources !== 'function') return -1;
  try {
    const list = Reflect.apply(activeResources, process, []) as string[];
    let n = 0;
    for (let i = 0; i < list.length; i++) if (list[i] === 'Timeout') n++;
    return n;
  } catch {
    return -1;
  }
}

/** Reads the timer count on some ticks; `read()` returns -1 on the ticks it skips. */
export class TimerProbe {
  private skip = 0;

  read(): number {
    if (this.skip > 0) {
      this.skip--;
      return -1;
    }
    const n = activeTimers();
    this.skip = n > LARGE ? Math.min(15, Math.floor(n / LARGE)) : 0;
    return n;
  }
}
