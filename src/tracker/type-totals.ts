/**
 * Running totals of the live tracked values by type name and category, kept up to date on
 * every track and end, so that a metrics scrape reads them in O(types) instead of walking a
 * million rows. The number of distinct types is capped (`maxTypes`): further types are
 * counted under "other" in their category, so the number of series a scrape produces stays
 * bounded whatever the program tracks.
 */
import { CATEGORIES, SUBCATEGORIES } from './describe.js';

/** Label used for the types beyond the cap. */
export const OTHER_TYPE = 'other';

const CATEGORY_OF_KIND = SUBCATEGORIES.map(([category]) => CATEGORIES.indexOf(category));

export interface TypeTotal {
  /** Type name, or "other". */
  type: string;
  category: string;
  /** Live tracked values of this type. */
  values: number;
  /** Their estimated bytes. */
  bytes: number;
}

export class TypeTotals {
  /** Slot + 1 by type string id (0: none yet). */
  private slotOfType = new Int32Array(64);
  /** Slots of a type name seen under a second category (rare: a user-given type name). */
  private readonly extra = new Map<number, number>();
  /** Per slot: type string id (-1 for "other"), category index, live values and bytes. */
  private readonly typeIds: number[] = [];
  private readonly categories: number[] = [];
  private readonly values: number[] = [];
  private readonly bytes: number[] = [];
  /** The "other" slot of each category, made on first use. */
  private readonly other: number[] = [];
  private named = 0;

  constructor(
    readonly maxTypes: number,
    private readonly typeName: (id: number) => string,
  ) {}

  add(typeId: number, kind: number, size: number, sign: 1 | -1): void {
    const slot = this.slot(typeId, CATEGORY_OF_KIND[kind] ?? CATEGORY_OF_KIND[0]);
    this.values[slot] += sign;
    this.bytes[slot] += sign * size;
  }

  private slot(typeId: number, category: number): number {
    const known = typeId < this.slotOfType.length ? this.slotOfType[typeId] - 1 : -1;
    if (known >= 0 && this.categories[known] === category) return known;
    const key = typeId * 8 + category;
    if (known >= 0) {
      const extra = this.extra.get(key);
      if (extra !== undefined) return extra;
    }
    let slot: number;
    if (this.named < this.maxTypes) {
      slot = this.newSlot(typeId, category);
      this.named++;
    } else {
      slot = this.other[category] ?? -1;
      if (slot < 0) slot = this.other[category] = this.newSlot(-1, category);
    }
    if (known < 0) {
      if (typeId >= this.slotOfType.length) {
        const grown = new Int32Array(Math.max(typeId + 1, this.slotOfType.length * 2));
        grown.set(this.slotOfType);
        this.slotOfType = grown;
      }
      this.slotOfType[typeId] = slot + 1;
    } else this.extra.set(key, slot);
    return slot;
  }

  private newSlot(typeId: number, category: number): number {
    this.typeIds.push(typeId);
    this.categories.push(category);
    this.values.push(0);
    this.bytes.push(0);
    return this.typeIds.length - 1;
  }

  /** The totals, one entry per (type, category) with live values. */
  list(): TypeTotal[] {
    const out: TypeTotal[] = [];
    for (let s = 0; s < this.typeIds.length; s++) {
      if (this.values[s] === 0) continue;
      const id = this.typeIds[s];
      out.push({
        type: id < 0 ? OTHER_TYPE : this.typeName(id),
        category: CATEGORIES[this.categories[s]],
        values: this.values[s],
        bytes: this.bytes[s],
      });
    }
    return out;
  }

  /** Bytes held, for trackerBytes: the index by type id, four numbers per slot, the extra map. */
  ownBytes(): number {
    return this.slotOfType.byteLength + this.typeIds.length * 4 * 8 + this.extra.size * 40;
  }
}
