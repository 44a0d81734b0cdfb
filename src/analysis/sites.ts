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

export type Origin = 'user' | 'package' | 'node' | 'v8';

/** Where a frame's code comes from, and the package name when it is in node_modules. */
export function originOf(url: string, functionName = ''): { origin: Origin; pkg: string } {
  if (!url) {
    // V8's synthetic frames: (root), (program), (garbage collector), (V8 API)...
    return functionName.startsWith('(') ? { origin: 'v8', pkg: '(V8)' } : { origin: 'node', pkg: '(node internals)' };
  }
  if (url.startsWith('node:') || !/[\\/]/.test(url)) return { origin: 'node', pkg: '(node internals)' };
  const i = url.lastIndexOf('node_modules/');
  if (i >= 0) {
    const rest = url.slice(i + 'node_modules/'.length).split('/');
    const pkg = rest[0].startsWith('@') && rest.length > 1 ? `${rest[0]}/${rest[1]}` : rest[0];
    return { origin: 'package', pkg };
  }
  return { origin: 'user', pkg: '(your code)' };
}

export interface HotSpot {
  key: string;
  /** Sampled bytes allocated directly in the group's frames. */
  selfBytes: number;
  selfLiveBytes: number;
  /** Sampled bytes allocated in the group's frames and their callees (each sample counted once). */
  totalBytes: number;
  samples: number;
}

export type HotSpotGrouping = 'function' | 'file' | 'package';

function keyOf(site: SiteModel, by: HotSpotGrouping): string {
  if (by === 'package') return originOf(site.url, site.functionName).pkg;
  if (by === 'file') return site.url || '(no file)';
  const fn = site.functionName || '(anonymous)';
  return site.url ? `${fn} ${site.url}:${site.line}` : fn;
}

/**
 * Hot spots, largest self bytes first. Total bytes count each sample once per group even
 * when the group appears several times on one stack (recursion).
 */
export function hotSpots(
  model: SessionModel,
  by: HotSpotGrouping,
  options: { includeNodeInternals?: boolean } = {},
): HotSpot[] {
  const includeInternals = options.includeNodeInternals ?? true;
  const groups = new Map<string, HotSpot>();
  const get = (key: string) => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, selfBytes: 0, selfLiveBytes: 0, totalBytes: 0, samples: 0 }));
    return g;
  };
  for (const sample of model.samples) {
    const site = model.sites[sample.site];
    const self = get(keyOf(site, by));
    self.selfBytes += sample.size;
    if (sample.live) self.selfLiveBytes += sample.size;
    self.samples++;
    const seen = new Set<string>();
    for (let s: SiteModel | undefined = site; s; s = s.parent >= 0 ? model.sites[s.parent] : undefined) {
      const key = keyOf(s, by);
      if (seen.has(key)) continue;
      seen.add(key);
      get(key).totalBytes += sample.size;
    }
  }
  let list = [...groups.values()];
  if (!includeInternals) {
    list = list.filter((g) => {
      const origin = by === 'package' ? g.key : g.key.split(' ').slice(1).join(' ');
      return !(
        origin === '' ||
        origin === '(node internals)' ||
        origin === '(V8)' ||
        origin.startsWith('node:') ||
        g.key.startsWith('(')
      );
    });
  }
  return list.sort((a, b) => b.selfBytes - a.selfBytes || b.totalBytes - a.totalBytes);
}
