/**
 * The sampling profile in the formats other tools read: pprof (gzipped protobuf through
 * pprof-format, for `go tool pprof` and Grafana Pyroscope) and `.heapprofile` (the CDP
 * SamplingHeapProfile that Chrome DevTools' Memory panel loads). Each site is one location;
 * a sample's stack is its site and the site's callers. Threads are labelled.
 */
import { gzipSync } from 'node:zlib';
import { Label, Line, Location, Function as PFunction, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import type { SessionModel } from '../analysis/model.js';
import { originOf } from '../analysis/sites.js';

export interface ProfileOptions {
  includeNodeInternals?: boolean;
  /**
   * Samples first seen before this time (ns, the model's clock) count as in use only, not as
   * allocated: a periodic window's live samples from earlier windows (probes/profile-window.ts).
   */
  allocatedSince?: number;
}

function isInternal(model: SessionModel, site: number): boolean {
  const s = model.sites[site];
  return (
    s.parent >= 0 &&
    originOf(s.url, s.functionName).origin !== 'user' &&
    originOf(s.url, s.functionName).origin !== 'package'
  );
}

/** pprof: alloc_objects/alloc_space per stack, plus inuse_* when liveness was observed. */
export function toPprof(model: SessionModel, options: ProfileOptions = {}): Profile {
  const include = options.includeNodeInternals ?? true;
  const strings = new StringTable();
  const live = model.samplingLiveKnown === true;
  const sampleType = [
    new ValueType({ type: strings.dedup('alloc_objects'), unit: strings.dedup('count') }),
    new ValueType({ type: strings.dedup('alloc_space'), unit: strings.dedup('bytes') }),
  ];
  if (live) {
    sampleType.push(new ValueType({ type: strings.dedup('inuse_objects'), unit: strings.dedup('count') }));
    sampleType.push(new ValueType({ type: strings.dedup('inuse_space'), unit: strings.dedup('bytes') }));
  }
  const functions: PFunction[] = [];
  const locations: Location[] = [];
  const locationOf = new Map<number, number>();
  const functionIds = new Map<string, number>();
  const location = (site: number): number => {
    let id = locationOf.get(site);
    if (id !== undefined) return id;
    const s = model.sites[site];
    const key = `${s.functionName}\u0000${s.url}\u0000${s.line}`;
    let fid = functionIds.get(key);
    if (fid === undefined) {
      fid = functions.length + 1;
      functionIds.set(key, fid);
      const name = strings.dedup(s.functionName || '(anonymous)');
      functions.push(
        new PFunction({ id: fid, name, systemName: name, filename: strings.dedup(s.url), startLine: s.line }),
      );
    }
    id = locations.length + 1;
    locationOf.set(site, id);
    locations.push(new Location({ id, line: [new Line({ functionId: fid, line: s.line })] }));
    return id;
  };
  // Aggregate samples per (site, thread): one pprof sample each.
  const bySite = new Map<number, { count: number; bytes: number; liveCount: number; liveBytes: number }>();
  const since = options.allocatedSince ?? Number.NEGATIVE_INFINITY;
  for (const s of model.samples) {
    let e = bySite.get(s.site);
    if (!e) bySite.set(s.site, (e = { count: 0, bytes: 0, liveCount: 0, liveBytes: 0 }));
    // A V8 sample stands for size / interval objects on average; count samples as objects.
    if (s.at >= since) {
      e.count++;
      e.bytes += s.size;
    }
    if (s.live) {
      e.liveCount++;
      e.liveBytes += s.size;
    }
  }
  const threadKey = strings.dedup('thread');
  const samples: Sample[] = [];
  for (const [site, e] of bySite) {
    const stack: number[] = [];
    for (let id = site; id >= 0; id = model.sites[id].parent) {
      if (model.sites[id].parent < 0 && model.sites[id].functionName === '(root)') break;
      if (!include && id !== site && isInternal(model, id)) continue;
      stack.push(location(id));
    }
    if (stack.length === 0) stack.push(location(site));
    const value = live ? [e.count, e.bytes, e.liveCount, e.liveBytes] : [e.count, e.bytes];
    const thread = model.threads[model.sites[site].thread]?.label ?? '';
    samples.push(
      new Sample({ locationId: stack, value, label: [new Label({ key: threadKey, str: strings.dedup(thread) })] }),
    );
  }
  return new Profile({
    sampleType,
    sample: samples,
    location: locations,
    function: functions,
    stringTable: strings,
    timeNanos: BigInt(Math.round(model.originMs)) * 1_000_000n,
    durationNanos: Math.round(model.durationNs),
    periodType: new ValueType({ type: strings.dedup('space'), unit: strings.dedup('bytes') }),
    period: model.samplingInterval ?? 0,
    defaultSampleType: strings.dedup('alloc_space'),
  });
}

export function pprofBytes(model: SessionModel, options: ProfileOptions = {}): Buffer {
  return gzipSync(toPprof(model, options).encode());
}

interface CdpNode {
  callFrame: { functionName: string; scriptId: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  id: number;
  children: CdpNode[];
}

/** The CDP SamplingHeapProfile shape (lineNumber and columnNumber 0-based, as V8 gives them). */
export function toHeapProfile(model: SessionModel) {
  let next = 1;
  const root: CdpNode = {
    callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 },
    selfSize: 0,
    id: next++,
    children: [],
  };
  const nodes = new Map<number, CdpNode>();
  const nodeOf = (site: number): CdpNode => {
    const known = nodes.get(site);
    if (known) return known;
    const s = model.sites[site];
    if (s.parent < 0 && s.functionName === '(root)') {
      nodes.set(site, root);
      return root;
    }
    const parent = s.parent >= 0 ? nodeOf(s.parent) : root;
    const node: CdpNode = {
      callFrame: {
        functionName: s.functionName,
        scriptId: '0',
        url: s.url,
        lineNumber: s.line - 1,
        columnNumber: s.column - 1,
      },
      selfSize: 0,
      id: next++,
      children: [],
    };
    parent.children.push(node);
    nodes.set(site, node);
    return node;
  };
  const samples: { size: number; nodeId: number; ordinal: number }[] = [];
  model.samples.forEach((s, i) => {
    const node = nodeOf(s.site);
    node.selfSize += s.size;
    samples.push({ size: s.size, nodeId: node.id, ordinal: i + 1 });
  });
  return { head: root, samples };
}
