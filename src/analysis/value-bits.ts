/**
 * Bits of the embedded value table's `flags` column (src/report/dashboard-data.ts writes them,
 * the static dashboard reads them). Here, in the browser-safe layer, so both share one list.
 */
export const VALUE_BITS = {
  alive: 1,
  lifetimeUnknown: 2,
  clone: 4,
  partial: 8,
  primitive: 16,
  endedByGc: 32,
  endedByScope: 64,
  endedByTransfer: 128,
  endedByThread: 256,
} as const;
