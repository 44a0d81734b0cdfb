/**
 * Human-readable figures, identical in both SVG reports. Bytes use binary (IEC) units:
 * 1 KiB = 1024 B. Counts get thousands separators without depending on the ICU locale data.
 */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1,023 B · 1.5 KiB · 12.3 MiB · 123 GiB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  const sign = bytes < 0 ? '−' : '';
  let v = Math.abs(bytes);
  if (v < 1024) return `${sign}${formatCount(Math.round(v))} B`;
  let u = 0;
  while (v >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  // 1023.96 KiB would print as "1024.0 KiB": move to the next unit instead.
  if (v >= 1023.95 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${sign}${v >= 100 ? formatCount(Math.round(v)) : v.toFixed(1)} ${BYTE_UNITS[u]}`;
}

/**
 * A tracked value's estimated size: "unknown" when the estimator gave up before counting
 * anything, "≥ 1.2 KiB" when it stopped at its budget (a lower bound).
 */
export function formatValueSize(v: { size: number; sizePartial: boolean }): string {
  if (v.sizePartial) return v.size > 0 ? `≥ ${formatBytes(v.size)}` : 'unknown';
  return formatBytes(v.size);
}

/** A sum of value sizes: "unknown" when every size is, a lower bound "≥" when some are. */
export function formatSum(bytes: number, unknown: number, count: number): string {
  if (count === 0) return '—';
  if (unknown === count) return 'unknown';
  return unknown > 0 ? `≥ ${formatBytes(bytes)}` : formatBytes(bytes);
}

/** 850 ns · 12.3 µs · 4.5 ms · 2.35 s · 3 min 05 s · 1 h 02 min. */
export function formatDuration(ns: number | null | undefined): string {
  if (ns === null || ns === undefined || !Number.isFinite(ns)) return '—';
  const v = Math.abs(ns);
  if (v < 1e3) return `${Math.round(ns)} ns`;
  if (v < 1e6) return `${trim(ns / 1e3)} µs`;
  if (v < 1e9) return `${trim(ns / 1e6)} ms`;
  if (v < 60e9) return `${trim(ns / 1e9)} s`;
  const s = Math.round(ns / 1e9);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Three significant digits at most, no trailing zeros: 1.5, 12.3, 123. */
function trim(v: number): string {
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  return String(Number(v.toFixed(digits)));
}

/** A time range in the unit of its end: "0 – 625 ms", "0.63 – 1.25 s". */
export function formatTimeRange(fromNs: number, toNs: number): string {
  const units: [number, string][] = [
    [1e9, 's'],
    [1e6, 'ms'],
    [1e3, 'µs'],
    [1, 'ns'],
  ];
  const [div, unit] = units.find(([d]) => Math.abs(toNs) >= d) ?? units[units.length - 1];
  return `${fromNs === 0 ? '0' : trim(fromNs / div)} – ${trim(toNs / div)} ${unit}`;
}

/** "1 value", "2 values", "1,000 allocations". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : many}`;
}

/** 1,234,567 (integers; other numbers keep up to two decimals). */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const neg = n < 0;
  const [int, frac] = String(Math.abs(Number.isInteger(n) ? n : Number(n.toFixed(2)))).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '−' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

/** 999 · 1.2k · 45k · 1.2M: for cells too small for the exact count (which goes in a tooltip). */
export function formatCompact(n: number): string {
  const a = Math.abs(n);
  if (a < 1000) return formatCount(n);
  const [v, unit] = a < 1e6 ? [n / 1e3, 'k'] : a < 1e9 ? [n / 1e6, 'M'] : [n / 1e9, 'G'];
  return `${Math.abs(v) >= 10 ? Math.round(v) : Number(v.toFixed(1))}${unit}`;
}

/** 42.3% (one decimal); unknown as a dash. */
export function formatPercent(p: number | null | undefined): string {
  return p === null || p === undefined || !Number.isFinite(p) ? '—' : `${p.toFixed(1)}%`;
}

/** The share of `part` in `whole` as a percentage string, a dash when whole is 0. */
export function share(part: number, whole: number): string {
  return whole > 0 ? formatPercent((part / whole) * 100) : '—';
}

/** Epoch milliseconds as "2026-11-21 04:57:53 UTC" (from the model, so rendering stays deterministic). */
export function formatDate(ms: number): string {
  if (!Number.isFinite(ms)) return 'unknown';
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
