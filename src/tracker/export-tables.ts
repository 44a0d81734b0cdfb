/**
 * The tracker's tables as exports read them: contiguous copies of the held rows, with the
 * references between tables renumbered to those rows when the bounded mode released or moved
 * some (bounded.ts). A reference to a released row becomes -1; a relation whose value was
 * released is left out. Without the bounded mode these are plain copies.
 */
import type { Column } from './table.js';
import {
  RELATION_COLUMNS,
  type RelationColumn,
  RelationKind,
  SCOPE_COLUMNS,
  type ScopeColumn,
  type Tracker,
  VALUE_COLUMNS,
  type ValueColumn,
} from './tracker.js';

export interface ExportedTables {
  values: Record<ValueColumn | 'external', Column>;
  scopes: Record<ScopeColumn, Column>;
  relations: Record<RelationColumn, Column>;
  /** A value's token or row to its index in `values` (-1 when released). */
  valueIndex: (row: number) => number;
}

export function exportTables(t: Tracker): ExportedTables {
  const compact = t.values.compactor();
  const valueIndex = t.bounded ? (token: number) => compact(t.cur(token)) : compact;
  const compactScope = t.scopes.compactor();
  const scopeIndex = t.bounded ? (token: number) => compactScope(t.scopeRow(token)) : compactScope;
  // Scope references are tokens: renumber whenever scopes may have moved or been released.
  const renumberScopes = t.bounded !== undefined;

  const values = {} as ExportedTables['values'];
  for (const key of Object.keys(VALUE_COLUMNS) as ValueColumn[]) values[key] = t.values.column(key);
  const external = new Float64Array(values.name.length);
  t.external.forEach((row, bytes) => {
    const i = compact(row);
    if (i >= 0) external[i] = bytes;
  });
  values.external = external;
  if (renumberScopes) for (let i = 0; i < values.scope.length; i++) values.scope[i] = scopeIndex(values.scope[i]);

  const scopes = {} as ExportedTables['scopes'];
  for (const key of Object.keys(SCOPE_COLUMNS) as ScopeColumn[]) scopes[key] = t.scopes.column(key);
  if (renumberScopes) for (let i = 0; i < scopes.parent.length; i++) scopes.parent[i] = scopeIndex(scopes.parent[i]);

  const keys = Object.keys(RELATION_COLUMNS) as RelationColumn[];
  const relations = {} as ExportedTables['relations'];
  for (const key of keys) relations[key] = t.relations.column(key);
  if (t.bounded) {
    let kept = 0;
    for (let i = 0; i < relations.kind.length; i++) {
      const from = relations.from[i];
      const to = relations.to[i];
      // A transfer's `to` is a thread id, not a value.
      const toIsValue = relations.kind[i] !== RelationKind.Transfer;
      const f = from < 0 ? -1 : valueIndex(from);
      const v = !toIsValue || to < 0 ? to : valueIndex(to);
      if ((from >= 0 && f < 0) || (toIsValue && to >= 0 && v < 0)) continue;
      for (const key of keys) relations[key][kept] = relations[key][i];
      relations.from[kept] = f;
      relations.to[kept] = v;
      relations.scope[kept] = scopeIndex(relations.scope[i]);
      kept++;
    }
    for (const key of keys) relations[key] = relations[key].subarray(0, kept);
  }
  return { values, scopes, relations, valueIndex };
}
