// What the threads benches print their figures with.

/** The middle value (the upper middle of an even count). */
export const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

/** The range of the 1-minute load averages read at the start of each run. */
export const loadRange = (loads: number[]) => `${Math.min(...loads).toFixed(1)} – ${Math.max(...loads).toFixed(1)}`;
