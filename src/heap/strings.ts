/**
 * The snapshot's string table, kept as the bytes of the file (one buffer and an end offset per
 * string) and decoded when a string is asked for. A snapshot holds hundreds of thousands of
 * strings, most never looked at; as JavaScript strings they would take twice the memory and a
 * good part of the load time.
 */
export class StringTable {
  private readonly bytes: Buffer;
  /** End of string i in `bytes`; string i starts where string i - 1 ends. */
  private readonly ends: Uint32Array | Float64Array;
  /** 1 when string i holds a JSON escape (\n, \", \uXXXX...) and must go through JSON.parse. */
  private readonly escaped: Uint8Array;
  readonly length: number;

  constructor(bytes: Buffer, ends: Uint32Array | Float64Array, escaped: Uint8Array, count: number) {
    this.bytes = bytes;
    this.ends = ends;
    this.escaped = escaped;
    this.length = count;
  }

  /** String i, decoded; '' when i is out of range. */
  get(i: number): string {
    if (!(i >= 0 && i < this.length)) return '';
    const start = i === 0 ? 0 : this.ends[i - 1];
    const text = this.bytes.toString('utf8', start, this.ends[i]);
    // The parser checked that each escaped string is valid JSON.
    return this.escaped[i] ? JSON.parse(`"${text}"`) : text;
  }

  /**
   * Index of a string equal to `text` (the first written as is, else the first written with
   * escapes), or -1. Searches the bytes for the text (a memchr-speed scan), and decodes only
   * escaped strings long enough to hold it.
   */
  indexOf(text: string): number {
    if (/["\\\u0000-\u001f]/.test(text)) {
      for (let i = 0; i < this.length; i++) if (this.get(i) === text) return i;
      return -1;
    }
    const needle = Buffer.from(text, 'utf8');
    const { bytes, ends, escaped } = this;
    if (needle.length === 0) {
      for (let i = 0; i < this.length; i++) if (this.byteLength(i) === 0) return i;
      return -1;
    }
    // Strings lie in index order: the first whole-string hit is the first string.
    for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1)) {
      const i = this.containing(at);
      if (ends[i] - at === needle.length && (i === 0 ? 0 : ends[i - 1]) === at && !escaped[i]) return i;
    }
    // An escape is longer than what it stands for: a shorter string cannot hold the text.
    for (let i = 0; i < this.length; i++) {
      if (escaped[i] && this.byteLength(i) >= needle.length && this.get(i) === text) return i;
    }
    return -1;
  }

  /** The string whose bytes hold byte `at` (the first i with ends[i] > at). */
  private containing(at: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid] > at) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /**
   * Calls `found` with each string whose last byte is `last` and that has `marker` and digits
   * just before it (as numberAfter reads them), and that number; in index order. One pass over
   * the ends, which looks at a string's bytes only when its last byte matches.
   */
  forEachNumberAfter(marker: Buffer, last: number, found: (index: number, value: number) => void): void {
    const { bytes, ends } = this;
    for (let i = 0, start = 0; i < this.length; i++) {
      const end = ends[i];
      if (end > start && bytes[end - 1] === last) {
        const value = this.numberAfter(i, marker);
        if (value >= 0) found(i, value);
      }
      start = end;
    }
  }

  /**
   * The number written at the end of string i, between `marker` and its last byte (as in
   * '... (table @123)'), or -1. Reads the bytes as written: no decoding.
   */
  numberAfter(i: number, marker: Buffer): number {
    const start = i === 0 ? 0 : this.ends[i - 1];
    const last = this.ends[i] - 1;
    const { bytes } = this;
    let k = last;
    let value = 0;
    for (let scale = 1; k > start && bytes[k - 1] >= 48 && bytes[k - 1] <= 57; scale *= 10) {
      value += (bytes[--k] - 48) * scale;
    }
    const at = k - marker.length;
    if (k === last || at < start) return -1;
    for (let j = 0; j < marker.length; j++) if (bytes[at + j] !== marker[j]) return -1;
    return value;
  }

  /** Raw byte length of string i (its text as written in the file). */
  byteLength(i: number): number {
    return this.ends[i] - (i === 0 ? 0 : this.ends[i - 1]);
  }

  /** Last byte of string i as written in the file (-1 for an empty string): a cheap pre-filter. */
  lastByte(i: number): number {
    const end = this.ends[i];
    return end > (i === 0 ? 0 : this.ends[i - 1]) ? this.bytes[end - 1] : -1;
  }
}
