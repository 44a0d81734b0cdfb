/**
 * What a tracked value is and how much memory it holds: a TypeScript-like type name, its
 * category and subcategory, and an estimated deep size by V8's object layout on 64-bit Node.
 *
 * Safety rules (this runs inside the user's program, on any value):
 * - never run user code: no getters (read own data properties through descriptors), no Proxy
 *   traps (util.types.isProxy first), no overridden methods (call the intrinsics directly);
 * - never throw: any failure yields a description with what is known;
 * - bounded: the walk stops at budget.maxNodes objects or budget.maxTimeNs and says partial.
 */

/** Subcategories, each with its category: the index is what the tracker stores (one byte). */
export const SUBCATEGORIES = [
  ['Other', 'Unknown'],
  ['Collections', 'Arrays'],
  ['Collections', 'Maps'],
  ['Collections', 'Sets'],
  ['Collections', 'Weak collections'],
  ['Text', 'Strings'],
  ['Binary', 'Buffers'],
  ['Binary', 'ArrayBuffers'],
  ['Binary', 'Typed arrays'],
  ['Binary', 'DataViews'],
  ['Shared', 'SharedArrayBuffers'],
  ['Objects', 'Plain objects'],
  ['Objects', 'Class instances'],
  ['Objects', 'Built-ins'],
  ['Functions', 'Functions'],
  ['Functions', 'Classes'],
  ['Async', 'Promises'],
  ['Other', 'Numbers'],
  ['Other', 'Booleans'],
  ['Other', 'BigInts'],
  ['Other', 'Symbols'],
  ['Other', 'Null and undefined'],
  ['Other', 'Proxies'],
] as const;

export const CATEGORIES = [
  'Collections',
  'Text',
  'Binary',
  'Shared',
  'Objects',
  'Functions',
  'Async',
  'Other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface SizeBudget {
  /** Objects visited at most by the deep-size walk. */
  maxNodes: number;
  /** Time the walk may take, in nanoseconds. */
  maxTimeNs: number;
}

export const DEFAULT_BUDGET: SizeBudget = { maxNodes: 10_000, maxTimeNs: 2_000_000 };

export interface Description {
  typeName: string;
  /** Index into SUBCATEGORIES. */
  kind: number;
  /** Estimated deep size in bytes, including `external`. */
  size: number;
  /** Bytes outside the V8 heap (ArrayBuffer backing stores), part of `size`. */
  external: number;
  /** The walk stopped at the budget: `size` is a lower bound. */
  partial: boolean;
  /** A primitive: the garbage collector cannot be observed for it. */
  primitive: boolean;
}

export function categoryOf(kind: number): Category {
  return (SUBCATEGORIES[kind] ?? SUBCATEGORIES[0])[0];
}

export function subcategoryOf(kind: number): string {
  return (SUBCATEGORIES[kind] ?? SUBCATEGORIES[0])[1];
}

/** Placeholder until the full estimator lands: type by typeof, size unknown (0, partial). */
export function describe(value: unknown, _budget: SizeBudget = DEFAULT_BUDGET): Description {
  const t = typeof value;
  if (t === 'string') {
    return {
      typeName: 'string',
      kind: 5,
      size: 16 + (value as string).length,
      external: 0,
      partial: false,
      primitive: true,
    };
  }
  if (value === null || t !== 'object') {
    return {
      typeName: value === null ? 'null' : t,
      kind: 0,
      size: 0,
      external: 0,
      partial: true,
      primitive: t !== 'function',
    };
  }
  return { typeName: 'Object', kind: 11, size: 0, external: 0, partial: true, primitive: false };
}
