/**
 * The call-stack view of the sampling profile: the top allocation sites (most bytes allocated
 * in the function itself) with the call paths that lead to them, merged into one tree. Frames
 * that neither branch nor allocate much are folded away and counted, so deep stacks stay
 * readable while every node shown is a real frame with its measured bytes.
 */
import type { SessionModel } from './model.js';
import { siteTotals } from './sites.js';

export interface CallTreeNode {
  site: number;
  /** Index of the parent node in `nodes`, -1 for a top-level node. */
  parent: number;
  depth: number;
  /** Frames folded between this node and its parent. */
  folded: number;
  /** Sampled bytes allocated here and in everything called from here. */
  totalBytes: number;
  /** Sampled bytes allocated in this frame itself. */
  selfBytes: number;
  selfLiveBytes: number;
  /** One of the top sites by self bytes. */
  hot: boolean;
}

export interface CallTreeView {
  /** Depth-first order, the larger subtree first. */
  nodes: CallTreeNode[];
  /** Sampled bytes in the whole profile. */
  totalBytes: number;
  /** Sites with self bytes, and how many of them are shown. */
  allocatingSites: number;
  hotShown: number;
  /** Self bytes of the shown hot sites. */
  hotBytes: number;
}

/** The largest tree of top sites that fits in `maxRows` rows (at most `top` hot sites). */
export function callTreeView(model: SessionModel, top = 10, maxRows = 16): CallTreeView {
  const totals = siteTotals(model);
  const sites = model.sites;
  const allocating = sites.filter((s) => s.selfBytes > 0).sort((a, b) => b.selfBytes - a.selfBytes || a.id - b.id);
  let totalBytes = 0;
  for (const s of sites) totalBytes += s.selfBytes;
  for (let k = Math.min(top, allocating.length); k >= 1; k--) {
    const view = build(
      model,
      totals.totalBytes,
      allocating.slice(0, k).map((s) => s.id),
    );
    if (view.length <= maxRows || k === 1) {
      return {
        nodes: view,
        totalBytes,
        allocatingSites: allocating.length,
        hotShown: k,
        hotBytes: allocating.slice(0, k).reduce((sum, s) => sum + s.selfBytes, 0),
      };
    }
  }
  return { nodes: [], totalBytes, allocatingSites: 0, hotShown: 0, hotBytes: 0 };
}

/** V8's synthetic "(root)" frame carries no information: its children are the top level. */
function isSyntheticRoot(model: SessionModel, id: number): boolean {
  const s = model.sites[id];
  return s.parent < 0 && s.url === '' && s.functionName === '(root)';
}

function build(model: SessionModel, total: Float64Array, hot: number[]): CallTreeNode[] {
  const hotSet = new Set(hot);
  // The trie of the hot sites' paths, as child lists keyed by site id (-1: the top).
  const children = new Map<number, number[]>();
  for (const id of hot) {
    let child = id;
    for (let p = model.sites[id].parent; ; p = model.sites[p].parent) {
      const key = p >= 0 && !isSyntheticRoot(model, p) ? p : -1;
      let list = children.get(key);
      if (!list) children.set(key, (list = []));
      if (list.includes(child)) break;
      list.push(child);
      if (key < 0) break;
      child = p;
    }
  }
  const nodes: CallTreeNode[] = [];
  const visit = (id: number, parent: number, depth: number, folded: number) => {
    let kids = children.get(id) ?? [];
    // Fold a frame with one child that is not a hot site itself.
    if (kids.length === 1 && !hotSet.has(id)) {
      visit(kids[0], parent, depth, folded + 1);
      return;
    }
    const s = model.sites[id];
    const index = nodes.length;
    nodes.push({
      site: id,
      parent,
      depth,
      folded,
      totalBytes: total[id],
      selfBytes: s.selfBytes,
      selfLiveBytes: s.selfLiveBytes,
      hot: hotSet.has(id),
    });
    kids = [...kids].sort((a, b) => total[b] - total[a] || a - b);
    for (const k of kids) visit(k, index, depth + 1, 0);
  };
  const tops = [...(children.get(-1) ?? [])].sort((a, b) => total[b] - total[a] || a - b);
  for (const t of tops) visit(t, -1, 0, 0);
  return nodes;
}
