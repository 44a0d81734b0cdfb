/**
 * Interns strings (names, type names, scope names) so each distinct string is stored once
 * and rows hold a small integer. Index 0 is the empty string.
 */
export class StringTable {
  readonly values: string[] = [''];
  private readonly index = new Map<string, number>([['', 0]]);

  intern(value: string): number {
    let id = this.index.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.index.set(value, id);
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
    let total = 0;
    for (const s of this.values) total += 2 * s.length + 48;
    return total;
  }
}
