/**
 * Tracked object → its token (first row), weakly: alias detection and every lookup by object.
 *
 * Generations of WeakMaps, GEN_ROWS tokens each, instead of one WeakMap: V8's insert of a new
 * (young) object into a large WeakMap is slow (measured 0.7 µs per insert into a table of
 * 320,000 entries, 0.16 µs for objects already old; one table of 640,000 entries 1.0 µs per
 * insert, tables of 16,384 0.55), and it was a quarter of the tracker's time at 320,000
 * values. A lookup asks the generations newest first: ~3.5 ns each for an object that is no
 * WeakMap's or Map's key (V8 answers at once), ~40 ns for one that is. A generation whose
 * objects were all collected is dropped with its table (one WeakMap never shrinks its table);
 * at most MAX_GENERATIONS are kept, the newest then taking every new entry, which bounds the
 * lookups and keeps the tables' memory within that of one WeakMap of the same peak. Measured
 * on the stress example's loop at 320,000 values: 2.28 -> 1.94 µs of CPU per value on its
 * thread; objects that were already keys of another WeakMap (all kept): 2.51 -> 2.65.
 */
export const GEN_ROWS = 1 << 13;
export const MAX_GENERATIONS = 16;

interface Generation {
  map: WeakMap<object, number>;
  /** The first token it holds; it holds those below the next generation's first. */
  first: number;
  /** Objects set and not yet reported collected. */
  live: number;
}

export class Identities {
  /** Oldest first. */
  private gens: Generation[] = [{ map: new WeakMap(), first: 0, live: 0 }];
  private newest: Generation = this.gens[0];

  get(o: object): number | undefined {
    const gens = this.gens;
    for (let g = gens.length - 1; g >= 0; g--) {
      const token = gens[g].map.get(o);
      if (token !== undefined) return token;
    }
    return undefined;
  }

  /** Notes `o` as `token`'s object; tokens come in increasing order. */
  set(o: object, token: number): void {
    let gen = this.newest;
    if (token >= gen.first + GEN_ROWS && this.gens.length < MAX_GENERATIONS) {
      gen = this.newest = { map: new WeakMap(), first: token, live: 0 };
      this.gens.push(gen);
    }
    gen.map.set(o, token);
    gen.live++;
  }

  /** The object of `token` was collected (its entry is gone from the WeakMap). Optional: without it no generation is dropped. */
  collected(token: number): void {
    const gens = this.gens;
    let g = gens.length - 1;
    while (g > 0 && gens[g].first > token) g--;
    const gen = gens[g];
    if (--gen.live === 0 && gen !== this.newest) gens.splice(g, 1);
  }

  /** WeakMaps held now. */
  get generations(): number {
    return this.gens.length;
  }
}
