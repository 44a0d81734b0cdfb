/**
 * Interns strings (names, type names, scope names) so each distinct string is stored once
 * and rows hold a small integer. Index 0 is the empty string.
 */
/** Bytes of a string's Map entry and array slot, besides its characters. */
const STRING_ENTRY = 48;

/** What a string beyond the table's limit is replaced with. */
export const OVER_LIMIT = '(over the string limit)';

export class StringTable {
  readonly values: string[] = [''];
  private readonly index = new Map<string, number>([['', 0]]);
  /** Running total of bytes(), so that getStats stays O(1). */
  private total = STRING_ENTRY;
  /** Distinct strings kept (the tracker's bounded mode sets it); later new ones read as OVER_LIMIT. */
  limit = Number.POSITIVE_INFINITY;
  /** New strings replaced by OVER_LIMIT. */
  overLimit = 0;

  intern(value: string): number {
    let id = this.index.get(value);
    if (id === undefined) {
      if (this.values.length >= this.limit && value !== OVER_LIMIT) {
        this.overLimit++;
        return this.intern(OVER_LIMIT);
      }
      id = this.values.length;
      this.values.push(value);
      this.index.set(value, id);
      this.total += 2 * value.length + STRING_ENTRY;
    }
    return id;
  }

  get(id: number): string {
    return this.values[id] ?? '';
  }

  get size(): number {
    return this.values.length;
  }

  /** Approximate bytes held: UTF-16 payload plus the map entry and array slot. */
  bytes(): number {
    return this.total;
  }
}
