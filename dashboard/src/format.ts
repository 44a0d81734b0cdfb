/** How figures read on the page: bytes in binary units, times from nanoseconds, counts grouped. */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return 'unknown';
  const sign = n < 0 ? '−' : '';
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${sign}${u === 0 ? v : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ${UNITS[u]}`;
}

export function count(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return 'unknown';
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function percent(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return 'unknown';
  return `${n.toFixed(n >= 10 || n === 0 ? 1 : 2)} %`;
}

/** A duration in nanoseconds. */
export function duration(ns: number | null | undefined): string {
  if (ns === null || ns === undefined || Number.isNaN(ns)) return 'unknown';
  const a = Math.abs(ns);
  if (a < 1e3) return `${ns.toFixed(0)} ns`;
  if (a < 1e6) return `${(ns / 1e3).toFixed(a < 1e4 ? 2 : 1)} µs`;
  if (a < 1e9) return `${(ns / 1e6).toFixed(a < 1e7 ? 2 : 1)} ms`;
  if (a < 600e9) return `${(ns / 1e9).toFixed(a < 1e10 ? 3 : 2)} s`;
  return `${Math.floor(ns / 60e9)} min ${((ns % 60e9) / 1e9).toFixed(0)} s`;
}

/** A session time (ns since the session origin) as "+1.234 s". */
export function at(ns: number | null | undefined): string {
  if (ns === null || ns === undefined) return 'unknown';
  return `+${duration(ns)}`;
}

export function dateTime(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return 'unknown';
  const d = new Date(epochMs);
  return Number.isNaN(d.getTime())
    ? 'unknown'
    : d
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC');
}

/** Parses "1.5 MiB", "20kb", "300" into bytes; null when empty, NaN when unreadable. */
export function parseBytes(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (!t) return null;
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/.exec(t);
  if (!m) return Number.NaN;
  const mult: Record<string, number> = {
    b: 1,
    k: 1024,
    kb: 1024,
    kib: 1024,
    m: 1024 ** 2,
    mb: 1024 ** 2,
    mib: 1024 ** 2,
    g: 1024 ** 3,
    gb: 1024 ** 3,
    gib: 1024 ** 3,
  };
  return Math.round(Number(m[1]) * mult[m[2] ?? 'b']);
}

/** Parses "250ms", "2 s", "40us", "100" (milliseconds) into nanoseconds; null when empty, NaN when unreadable. */
export function parseDuration(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (!t) return null;
  const m = /^(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|min)?$/.exec(t);
  if (!m) return Number.NaN;
  const mult: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, min: 60e9 };
  return Math.round(Number(m[1]) * mult[m[2] ?? 'ms']);
}
