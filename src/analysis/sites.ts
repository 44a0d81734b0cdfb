/**
 * Allocation sites from the sampling heap profile: totals over the call tree, and hot spots
 * grouped by function, by file and by package (a node_modules package, Node's internals, or
 * the program's own code).
 */
import type { SessionModel, SiteModel } from './model.js';

export interface SiteTotals {
  /** Sampled bytes allocated in the site and everything it called, per site id. */
  totalBytes: Float64Array;
  totalLiveBytes: Float64Array;
}

/** Totals per site: children are summed into parents (sites are stored parents first). */
export function siteTotals(model: SessionModel): SiteTotals {
  const n = model.sites.length;
  const totalBytes = new Float64Array(n);
  const totalLiveBytes = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    totalBytes[i] = model.sites[i].selfBytes;
    totalLiveBytes[i] = model.sites[i].selfLiveBytes;
  }
  // Children can come before or after their parent in a merged model, so walk by depth.
  const order = depthOrder(model.sites);
  for (let k = order.length - 1; k >= 0; k--) {
    const s = model.sites[order[k]];
    if (s.parent >= 0) {
      totalBytes[s.parent] += totalBytes[s.id];
      totalLiveBytes[s.parent] += totalLiveBytes[s.id];
    }
  }
  return { totalBytes, totalLiveBytes };
}

/** Site ids ordered so that every parent comes before its children. */
export function depthOrder(sites: readonly SiteModel[]): number[] {
  const children = new Map<number, number[]>();
  const roots: number[] = [];
  for (const s of sites) {
    if (s.parent < 0) roots.push(s.id);
    else {
      const list = children.get(s.parent);
      if (list) list.push(s.id);
      else children.set(s.parent, [s.id]);
    }
  }
  const order: number[] = [];
  const queue = roots;
  for (let i = 0; i < queue.length; i++) {
    order.push(queue[i]);
    const c = children.get(queue[i]);
    if (c) queue.push(...c);
  }
  return order;
}

export type Origin = 'user' | 'package' | 'node' | 'v8' | 'memscope';

/**
 * Where a frame's code comes from, and the package name when it is in node_modules.
 * `ownRoot` is memscope's own folder in the recorded program (SessionMeta.memscopeRoot): frames
 * of its code (dist/ built, src/ run through tsx) — the exports a program makes in-process —
 * are memscope's, not the program's.
 */
export function originOf(url: string, functionName = '', ownRoot?: string): Readonly<{ origin: Origin; pkg: string }> {
  if (!url) {
    // V8's synthetic frames: (root), (program), (garbage collector), (V8 API)...
    return functionName.startsWith('(') ? { origin: 'v8', pkg: '(V8)' } : { origin: 'node', pkg: '(node internals)' };
  }
  // A profile has tens of thousands of frames in a few hundred files, and the reports ask for
  // each frame's origin several times: the answer is kept per file.
  let byUrl = origins.get(ownRoot ?? '');
  if (!byUrl) origins.set(ownRoot ?? '', (byUrl = new Map()));
  let found = byUrl.get(url);
  if (!found) {
    if (byUrl.size >= MAX_ORIGINS) byUrl.clear();
    byUrl.set(url, (found = originOfFile(url, ownRoot)));
  }
  return found;
}

const origins = new Map<string, Map<string, { origin: Origin; pkg: string }>>();
const MAX_ORIGINS = 10_000; // files; in-process exports keep this map in the program

function originOfFile(url: string, ownRoot: string | undefined): { origin: Origin; pkg: string } {
  if (url.startsWith('node:') || !/[\\/]/.test(url)) return { origin: 'node', pkg: '(node internals)' };
  const i = url.lastIndexOf('node_modules/');
  if (ownRoot) {
    const path = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
    if (path.startsWith(`${ownRoot}/dist/`) || path.startsWith(`${ownRoot}/src/`)) {
      return { origin: 'memscope', pkg: '(memscope)' };
    }
  }
  if (i >= 0) {
    const rest = url.slice(i + 'node_modules/'.length).split('/');
    const pkg = rest[0].startsWith('@') && rest.length > 1 ? `${rest[0]}/${rest[1]}` : rest[0];
    return pkg === 'memscope' ? { origin: 'memscope', pkg: '(memscope)' } : { origin: 'package', pkg };
  }
  return { origin: 'user', pkg: '(your code)' };
}

export interface HotSpot {
  key: string;
  origin: Origin;
  /** Sampled bytes allocated directly in the group's frames. */
  selfBytes: number;
  selfLiveBytes: number;
  /** Sampled bytes allocated in the group's frames and their callees (each sample counted once). */
  totalBytes: number;
  samples: number;
}

export type HotSpotGrouping = 'function' | 'file' | 'package';

function keyOf(site: SiteModel, by: HotSpotGrouping, pkg: string): string {
  if (by === 'package') return pkg;
  if (by === 'file') return site.url || '(no file)';
  const fn = site.functionName || '(anonymous)';
  return site.url ? `${fn} ${site.url}:${site.line}` : fn;
}

/**
 * Hot spots, largest self bytes first. Total bytes count each sample once per group even
 * when the group appears several times on one stack (recursion). Without node internals,
 * the groups of Node's, V8's and memscope's own frames are left out.
 */
export function hotSpots(
  model: SessionModel,
  by: HotSpotGrouping,
  options: { includeNodeInternals?: boolean } = {},
): HotSpot[] {
  const includeInternals = options.includeNodeInternals ?? true;
  // The reports ask for each grouping several times (with and without Node's internals).
  let cached = hotSpotCache.get(model);
  if (!cached) hotSpotCache.set(model, (cached = new Map()));
  let list = cached.get(by);
  if (!list) cached.set(by, (list = groupHotSpots(model, by)));
  return includeInternals ? [...list] : list.filter((g) => g.origin === 'user' || g.origin === 'package');
}

const hotSpotCache = new WeakMap<SessionModel, Map<HotSpotGrouping, readonly Readonly<HotSpot>[]>>();

function groupHotSpots(model: SessionModel, by: HotSpotGrouping): HotSpot[] {
  const ownRoot = model.meta.memscopeRoot;
  const groups = new Map<string, HotSpot>();
  // One group per site, computed once.
  const groupOf = model.sites.map((site) => {
    const { origin, pkg } = originOf(site.url, site.functionName, ownRoot);
    const key = keyOf(site, by, pkg);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, origin, selfBytes: 0, selfLiveBytes: 0, totalBytes: 0, samples: 0 }));
    return g;
  });
  for (const sample of model.samples) {
    const self = groupOf[sample.site];
    self.selfBytes += sample.size;
    if (sample.live) self.selfLiveBytes += sample.size;
    self.samples++;
    const seen = new Set<HotSpot>();
    for (let s = sample.site; s >= 0; s = model.sites[s].parent) {
      const g = groupOf[s];
      if (seen.has(g)) continue;
      seen.add(g);
      g.totalBytes += sample.size;
    }
  }
  return [...groups.values()]
    .filter((g) => g.samples > 0 || g.totalBytes > 0)
    .sort((a, b) => b.selfBytes - a.selfBytes || b.totalBytes - a.totalBytes);
}
