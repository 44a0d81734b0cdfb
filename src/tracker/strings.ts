/**
 * Interns strings (names, type names, scope names) so each distinct string is stored once
 * and rows hold a small integer. Index 0 is the empty string.
 */
/** Bytes of a string's Map entry and array slot, besides its characters. */
const STRING_ENTRY = 48;

export class StringTable {
  readonly values: string[] = [''];
  private readonly index = new Map<string, number>([['', 0]]);
  /** Running total of bytes(), so that getStats stays O(1). */
  private total = STRING_ENTRY;

  intern(value: string): number {
    let id = this.index.get(value);
    if (id === undefined) {
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
