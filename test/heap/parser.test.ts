// The streaming parser against ground truth: JSON.parse of the same (small) snapshot, fed in
// chunks of every size; the meta's field layout; strings with escapes; and bad input, which
// must end in a SnapshotFormatError naming the byte offset, never a hang or another error.
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  createSnapshotParser,
  type HeapSnapshot,
  loadSnapshotFile,
  SnapshotFormatError,
} from '../../src/heap/index.js';
import { parseEdgesTail } from '../../src/heap/edges-tail.js';
import { MAIN_BLOCK, startEdgesWorker } from '../../src/heap/edges-worker.js';
import { parseText, runChild, seededRandom, snapshotText, tempDir } from './fixtures.js';

const tmp = tempDir();
after(tmp.remove);
const realFile = join(tmp.dir, 'real.heapsnapshot');
runChild(
  `globalThis.keep = { text: 'caf\\u00e9 "quoted"\\nline', list: [1, 2, 3] }; snap(${JSON.stringify(realFile)});`,
);
const realBytes = readFileSync(realFile);
const truth = JSON.parse(realBytes.toString('utf8'));

test('a real Node snapshot parses to exactly what JSON.parse reads, whatever the chunk size', () => {
  const meta = truth.snapshot.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  for (const chunk of [Number.POSITIVE_INFINITY, 65536, 4093, 7, 1]) {
    const s = parseText(realBytes, chunk);
    assert.equal(s.nodeCount, truth.nodes.length / nf, `chunk ${chunk}`);
    assert.equal(s.edgeCount, truth.edges.length / ef);
    assert.equal(s.strings.length, truth.strings.length);
    for (let i = 0; i < s.nodeCount; i++) {
      const o = i * nf;
      if (
        s.nodeType[i] !== truth.nodes[o + meta.node_fields.indexOf('type')] ||
        s.nodeName[i] !== truth.nodes[o + meta.node_fields.indexOf('name')] ||
        s.nodeId[i] !== truth.nodes[o + meta.node_fields.indexOf('id')] ||
        s.selfSize[i] !== truth.nodes[o + meta.node_fields.indexOf('self_size')] ||
        s.firstEdge[i + 1] - s.firstEdge[i] !== truth.nodes[o + meta.node_fields.indexOf('edge_count')]
      ) {
        assert.fail(`node ${i} differs with chunk ${chunk}`);
      }
    }
    for (let e = 0; e < s.edgeCount; e++) {
      const o = e * ef;
      if (
        s.edgeType[e] !== truth.edges[o] ||
        s.edgeName[e] !== truth.edges[o + 1] ||
        s.edgeTo[e] * nf !== truth.edges[o + 2]
      ) {
        assert.fail(`edge ${e} differs with chunk ${chunk}`);
      }
    }
    if (chunk !== 1 && chunk !== 65536) {
      for (let i = 0; i < truth.strings.length; i++) assert.equal(s.strings.get(i), truth.strings[i], `string ${i}`);
    }
  }
});

test('strings with escapes, non-ASCII text and surrogate pairs decode as JSON does', () => {
  const names = ['plain', 'line\nbreak', 'tab\there "quote" \\ back', 'caf\u00e9', '\u{1F600} emoji', '\u0001ctl', ''];
  const text = snapshotText([{ name: '', type: 'synthetic', edges: [{ to: 1 }] }, ...names.map((name) => ({ name }))]);
  for (const chunk of [Number.POSITIVE_INFINITY, 3, 1]) {
    const s = parseText(text, chunk);
    for (let i = 0; i < names.length; i++) assert.equal(s.name(i + 1), names[i]);
    assert.equal(s.strings.indexOf('caf\u00e9'), s.nodeName[4]);
    assert.equal(s.strings.indexOf('line\nbreak'), s.nodeName[2]);
    assert.equal(s.strings.indexOf('absent'), -1);
  }
  // Raw UTF-8 (which V8 escapes, other writers may not) reads as well.
  const raw = snapshotText([{ name: 'x', type: 'synthetic' }]).replace('"x"', '"é✓"');
  assert.equal(parseText(raw).name(0), 'é✓');
});

test('the strings that end with a marker, digits and a given byte, with that number', () => {
  const names = [
    '(table @3)',
    '',
    ')',
    '(table @)',
    'x (table @12)',
    'x (table @12]',
    'a\n(table @5)',
    '(table @7)x)',
    '9)',
  ];
  const s = parseText(snapshotText(names.map((name) => ({ name, type: 'synthetic' }))));
  const found: [string, number][] = [];
  s.strings.forEachNumberAfter(Buffer.from('(table @'), 41, (i, value) => found.push([s.strings.get(i), value]));
  assert.deepEqual(found, [
    ['(table @3)', 3],
    ['x (table @12)', 12],
    ['a\n(table @5)', 5],
  ]);
});

test('skipped values holding brackets in strings and nested arrays are skipped whole', () => {
  const text = snapshotText([{ name: 'root', type: 'synthetic', edges: [{ to: 1 }] }, { name: 'A' }]);
  const skipped = '"locations":[1,2,3],"samples":[4,"]}",[5,{"a":"]"}],6],"trace_tree":[[],[7]],"strings"';
  const withSkipped = text.replace('"strings"', skipped);
  for (const chunk of [1, 2, 3, 5, 8, 13, 64, 4096]) {
    const s = parseText(withSkipped, chunk);
    assert.equal(s.nodeCount, 2);
    assert.equal(s.name(1), 'A');
  }
  assert.throws(() => parseText(text.replace('"strings"', '"locations":[1,2}],"strings"')), SnapshotFormatError);
});

test('the field layout comes from the meta: reordered fields and unknown extra fields', () => {
  const nodes = [
    {
      name: '',
      type: 'synthetic',
      size: 0,
      edges: [
        { to: 1, name: 'a' },
        { to: 2, type: 'element', name: 7 },
      ],
    },
    { name: 'A', size: 123456, id: 42, edges: [{ to: 2, type: 'weak', name: 'w' }] },
    { name: 'B', type: 'array', size: 4294967296 + 5, id: 4000000000 },
  ];
  const s = parseText(
    snapshotText(nodes, {
      nodeFields: ['edge_count', 'extra_field', 'self_size', 'name', 'id', 'type'],
      edgeFields: ['to_node', 'type', 'name_or_index', 'weight'],
      extra: { locations: [1, 2, 3, 4], trace_tree: [[1, [2, [3]]]], samples: [], future_key: { nested: ['[', ']'] } },
    }),
  );
  assert.equal(s.nodeCount, 3);
  assert.equal(s.id(1), 42);
  assert.equal(s.selfSize[1], 123456);
  assert.equal(s.selfSize[2], 4294967296 + 5, 'sizes past 32 bits are kept');
  assert.equal(s.id(2), 4000000000);
  assert.equal(s.typeName(2), 'array');
  assert.equal(s.name(1), 'A');
  assert.deepEqual(
    [0, 1, 2].map((e) => [s.edgeTypeName(e), s.edgeNameOf(e), s.edgeTo[e]]),
    [
      ['property', 'a', 1],
      ['element', 7, 2],
      ['weak', 'w', 2],
    ],
  );
});

/** Parses and returns the error, failing the test if there is none or it is another kind. */
function formatError(text: string | Buffer, chunk?: number, totalBytes: number | undefined = Buffer.byteLength(text)) {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  try {
    const parser = createSnapshotParser({ totalBytes });
    const step = chunk ?? bytes.length;
    for (let i = 0; i < bytes.length; i += step) parser.write(bytes.subarray(i, i + step));
    parser.end();
  } catch (error) {
    assert.ok(error instanceof SnapshotFormatError, `expected SnapshotFormatError, got ${error}`);
    assert.ok(error.offset >= 0 && error.offset <= bytes.length, `offset ${error.offset} within the input`);
    assert.match(error.message, / at byte \d+$/);
    return error;
  }
  assert.fail('no error');
}

test('bad input: one SnapshotFormatError with the byte offset of the problem', () => {
  const good = snapshotText([
    { name: '', type: 'synthetic', edges: [{ to: 1 }] },
    { name: 'A', edges: [{ to: 0 }] },
  ]);
  const nodesAt = (text: string) => text.indexOf('"nodes":[') + 9;
  const bad = (text: string) => text;
  const cases: [string, string, RegExp, number?][] = [
    ['empty file', '', /the file ends before any data/],
    ['not JSON', 'hello world', /not a heap snapshot: expected '\{', found 'h'/, 0],
    ['JSON but not a snapshot', '{"name": "package", "version": "1.0"}', /no "snapshot" meta|"snapshot"/],
    ['an array', '[1,2,3]', /expected '\{'/, 0],
    ['nodes before meta', '{"nodes":[1,2]}', /"nodes" comes before the "snapshot" meta/, 9],
    ['meta without fields', '{"snapshot":{"meta":{}},"nodes":[]}', /meta node_fields is not a list/, 12],
    ['negative number', good.replace('"nodes":[9,', '"nodes":[-9,'), /unexpected '-' in "nodes"/],
    ['decimal number', good.replace('"nodes":[9,', '"nodes":[9.5,'), /unexpected '\.' in "nodes"/],
    ['missing comma', good.replace('"nodes":[9,', '"nodes":[9 '), /missing ',' between numbers/],
    ['double comma', good.replace('"nodes":[9,', '"nodes":[9,,'), /unexpected ','/],
    [
      'node type out of range',
      bad(good.replace('"nodes":[9,', '"nodes":[99,')),
      /node type 99 is not in meta node_types/,
      nodesAt(good),
    ],
    [
      'edge outside the nodes',
      good.replace('"edges":[2,1,7,', '"edges":[2,1,700,'),
      /edge to_node 700 points outside the nodes array/,
    ],
    [
      'edge inside a node',
      good.replace('"edges":[2,1,7,', '"edges":[2,1,8,'),
      /edge to_node 8 is not the start of a node/,
    ],
    [
      'edge count mismatch',
      good.replace(/"nodes":\[9,0,1,10,1/, '"nodes":[9,0,1,10,5'),
      /edge_count fields add up to 6 but "edges" holds 2/,
    ],
    [
      'name out of range',
      good.replace(/"nodes":\[9,0,/, '"nodes":[9,77,'),
      /names string 77 but there are \d+ strings/,
    ],
    [
      'number past 2^32',
      good.replace(/"nodes":\[9,0,1,/, '"nodes":[9,0,99999999999,'),
      /node id 99999999999 is out of range/,
    ],
    [
      'huge node_count',
      good.replace('"node_count":2', '"node_count":900000000000'),
      /node_count 900000000000 cannot fit in a file of \d+ bytes/,
      12,
    ],
    ['trailing garbage', `${good}xyz`, /unexpected 'x' after the end of the snapshot/, good.length],
    ['bad escape', good.replace('"A"', '"A\\q"'), /a string has an invalid escape/],
    ['unterminated string', good.slice(0, good.lastIndexOf('"A"') + 2), /the file ends inside "strings"/],
    ['duplicate key', good.replace('"strings":', '"nodes":[],"strings":'), /duplicate key "nodes"/],
  ];
  for (const [what, text, message, offset] of cases) {
    const error = formatError(text);
    assert.match(error.message, message, what);
    if (offset !== undefined) assert.equal(error.offset, offset, `${what}: offset`);
  }
});

test('every truncation of a real snapshot is reported as truncated or bad, never a hang', () => {
  const cuts = [1, 10, 100, 1000, realBytes.indexOf('"nodes"') + 12, realBytes.indexOf('"edges"') + 9];
  cuts.push(realBytes.indexOf('"strings"') + 20, realBytes.length - 1);
  for (const cut of cuts) {
    const error = formatError(realBytes.subarray(0, cut), 997, realBytes.length);
    assert.match(error.message, /ends|truncated/, `cut at ${cut}: ${error.message}`);
    assert.equal(error.offset, cut);
  }
});

test('random corruption of a snapshot yields a snapshot or a SnapshotFormatError, nothing else', () => {
  const base = Buffer.from(
    snapshotText([
      { name: '', type: 'synthetic', edges: [{ to: 1 }, { to: 2, type: 'shortcut' }] },
      { name: 'A', edges: [{ to: 2 }, { to: 1 }] },
      { name: 'B', type: 'string', edges: [{ to: 0, type: 'weak' }] },
    ]),
  );
  const random = seededRandom(12345);
  const alphabet = Buffer.from('0123456789,[]{}":-. \\ax');
  for (let round = 0; round < 400; round++) {
    const bytes = Buffer.from(base);
    for (let k = 0; k <= random(3); k++) bytes[random(bytes.length)] = alphabet[random(alphabet.length)];
    const input = random(4) === 0 ? bytes.subarray(0, random(bytes.length)) : bytes;
    try {
      const parser = createSnapshotParser({ totalBytes: input.length });
      parser.write(input);
      const data = parser.end();
      // Whatever loads must be a consistent graph.
      for (let e = 0; e < data.edgeCount; e++) assert.ok(data.edgeTo[e] < data.nodeCount);
      assert.equal(data.firstEdge[data.nodeCount], data.edgeCount);
    } catch (error) {
      assert.ok(error instanceof SnapshotFormatError, `round ${round}: ${error}`);
    }
  }
});

test('the fast loops for whole rows read corrupt numbers exactly as the byte-by-byte loop does', () => {
  // Chunks of 100 bytes are too short for the fast loops (they start a row only well inside a
  // chunk), whole input goes through them: both must give the same columns or the same error.
  const starts = [realBytes.indexOf('"nodes"') + 9, realBytes.indexOf('"edges"') + 9];
  const ends = [realBytes.indexOf('"edges"'), realBytes.indexOf('"strings"')];
  const random = seededRandom(777);
  const alphabet = Buffer.from('0123456789,,\n ]x-.');
  const outcome = (input: Buffer, chunk: number) => {
    try {
      const s = parseText(input, chunk);
      return [
        s.nodeCount,
        s.edgeCount,
        s.nodeType,
        s.nodeName,
        s.nodeId,
        s.selfSize,
        s.firstEdge,
        s.edgeType,
        s.edgeName,
        s.edgeTo,
      ];
    } catch (error) {
      assert.ok(error instanceof SnapshotFormatError, String(error));
      return `${error.message} @${error.offset}`;
    }
  };
  for (let round = 0; round < 60; round++) {
    const bytes = Buffer.from(realBytes);
    const part = random(2);
    for (let k = 0; k <= random(3); k++) {
      bytes[starts[part] + random(ends[part] - starts[part] - 2)] = alphabet[random(alphabet.length)];
    }
    assert.deepEqual(outcome(bytes, Number.POSITIVE_INFINITY), outcome(bytes, 100), `round ${round}`);
  }
  // A node naming a string past the last, which only the end can tell (the strings come last).
  const text = realBytes.toString('latin1');
  const nodesEnd = text.lastIndexOf(']', ends[0]);
  const values = text.slice(starts[0], nodesEnd).split(',');
  const fields = values.length / parseText(realBytes).nodeCount;
  const k = fields * Math.floor(values.length / fields / 2) + 1; // a name in the middle
  values[k] = values[k].replace(/\d+/, '9999999');
  const bad = Buffer.from(text.slice(0, starts[0]) + values.join(',') + text.slice(nodesEnd), 'latin1');
  const whole = outcome(bad, Number.POSITIVE_INFINITY);
  assert.match(String(whole), /names string 9999999 but there are \d+ strings/);
  assert.deepEqual(whole, outcome(bad, 100));
});

test('without a known size, a lying node_count allocates no more than the data needs', () => {
  const text = snapshotText([{ name: '', type: 'synthetic' }]).replace('"node_count":1', '"node_count":4000000000');
  const parser = createSnapshotParser(); // like an inspector stream: no total size
  const before = process.memoryUsage().arrayBuffers;
  parser.write(text);
  const data = parser.end();
  assert.equal(data.nodeCount, 1);
  assert.ok(process.memoryUsage().arrayBuffers - before < 200e6, 'bounded allocation');
});

test('with the edges parsed in a worker thread, a file loads to the same columns', async () => {
  const one = await loadSnapshotFile(realFile, { parallel: false });
  const two = await loadSnapshotFile(realFile, { parallel: true });
  assert.equal(two.edgeCount, truth.edges.length / 3);
  assert.deepEqual(two.edgeTo, one.edgeTo);
  assert.deepEqual(two.edgeName, one.edgeName);
  assert.deepEqual(two.edgeType, one.edgeType);
  assert.deepEqual(two.firstEdge, one.firstEdge);
});

test("the edges from both ends: the worker stops where the main thread's blocks start, and the rows add up", async () => {
  const one = await loadSnapshotFile(realFile, { parallel: false });
  const meta = truth.snapshot.meta;
  const start = realBytes.indexOf('"edges":[') + 9;
  const end = realBytes.indexOf(']', start);
  const blockBytes = 4096;
  const blocks = Math.ceil((end - start) / blockBytes);
  const capacity = one.edgeCount;
  for (const split of [0, 1, blocks >> 1, blocks - 1, blocks]) {
    const columns = { type: new SharedArrayBuffer(capacity), name: new SharedArrayBuffer(4 * capacity) };
    const to = new SharedArrayBuffer(4 * capacity);
    const layout = {
      fieldCount: 3,
      typeAt: 0,
      nameAt: 1,
      toAt: 2,
      typeCount: meta.edge_types[0].length,
      indexedTypes: ['element', 'hidden'].map((t) => meta.edge_types[0].indexOf(t)),
      nodeFieldCount: meta.node_fields.length,
      capacity,
      blockBytes,
    };
    // The main thread owns the blocks from `split` on: the worker parses what is before.
    const claims = new Int32Array(new SharedArrayBuffer(4 * (blocks + 1)));
    claims.fill(MAIN_BLOCK, split);
    const worker = startEdgesWorker({ path: realFile, ...layout, ...columns, to });
    worker.begin(start, claims.buffer as SharedArrayBuffer);
    const head = await worker.done;
    assert.equal(head.error, null);
    // Then the main thread parses from the end, claiming the blocks the worker did not.
    claims.fill(0, split);
    const edgeType = new Uint8Array(columns.type);
    const edgeName = new Uint32Array(columns.name);
    const edgeTo = new Uint32Array(to);
    const fd = openSync(realFile, 'r');
    const tail = parseEdgesTail(
      { fd, start, end, claims, ...layout, edgeType, edgeName, edgeTo },
      Buffer.alloc(3 * blockBytes),
    );
    closeSync(fd);
    assert.equal(head.edgeCount + tail.count, capacity, `split at block ${split}`);
    assert.ok(split === 0 ? head.edgeCount === 0 : split === blocks ? tail.count === 0 : head.edgeCount > 0);
    assert.deepEqual([edgeType, edgeName, edgeTo], [one.edgeType, one.edgeName, one.edgeTo], `split ${split}`);
  }
});

test("past the edges found from the file's end, or not found there, a parallel load reads the same", async () => {
  // Blank space makes the edges longer than a read, so that the loader jumps over them.
  const text = realBytes.toString('latin1').replace('"edges":[', `"edges":[${' '.repeat(3 << 20)}`);
  const last = text.lastIndexOf('}');
  // A later key holding '],"trace_function_infos":' in a nested object: a wrong place to jump to.
  const decoy = `${text.slice(0, last)},"extra":{"a":[5],"trace_function_infos":[6]}}`;
  for (const [name, body] of [
    ['padded', text],
    ['decoy', decoy],
  ]) {
    const file = join(tmp.dir, `${name}.heapsnapshot`);
    writeFileSync(file, body, 'latin1');
    const one = await loadSnapshotFile(file, { parallel: false });
    const two = await loadSnapshotFile(file, { parallel: true });
    assert.deepEqual([two.edgeType, two.edgeName, two.edgeTo], [one.edgeType, one.edgeName, one.edgeTo], name);
    assert.equal(two.strings.length, one.strings.length, name);
  }
});

test('in a worker, corrupt edges load to the same columns as byte by byte, or fail in both', async () => {
  const start = realBytes.indexOf('"edges"') + 9;
  const length = realBytes.indexOf('"strings"') - start - 2;
  const random = seededRandom(4242);
  const alphabet = Buffer.from('0123456789,,\n ]x');
  const file = join(tmp.dir, 'corrupt-edges.heapsnapshot');
  for (let round = 0; round < 12; round++) {
    const bytes = Buffer.from(realBytes);
    for (let k = 0; k <= random(2); k++) bytes[start + random(length)] = alphabet[random(alphabet.length)];
    writeFileSync(file, bytes);
    let slow: HeapSnapshot | SnapshotFormatError;
    try {
      slow = parseText(bytes, 100);
    } catch (error) {
      slow = error as SnapshotFormatError;
    }
    try {
      const fast = await loadSnapshotFile(file, { parallel: true });
      assert.ok(!(slow instanceof SnapshotFormatError), `round ${round}: only byte by byte fails: ${slow}`);
      assert.deepEqual([fast.edgeType, fast.edgeName, fast.edgeTo], [slow.edgeType, slow.edgeName, slow.edgeTo]);
    } catch (error) {
      assert.ok(error instanceof SnapshotFormatError, `round ${round}: ${error}`);
      assert.ok(slow instanceof SnapshotFormatError, `round ${round}: only the worker fails: ${error.message}`);
    }
  }
});

test('in a worker too, a bad edge is reported with its byte offset', async () => {
  const nodes = [
    { name: '', type: 'synthetic', edges: [{ to: 1 }] },
    { name: 'A', edges: [{ to: 0 }] },
  ];
  // Blank space in the nodes array keeps the edges beyond the first reads, as in a real file.
  const good = snapshotText(nodes).replace('"nodes":[', `"nodes":[${' '.repeat(20000)}`);
  const cases: [string, RegExp][] = [
    [good.replace('"edges":[2,1,7,', '"edges":[2,1,700,'), /an edge points outside the nodes array/],
    [good.replace('"edges":[2,1,7,', '"edges":[2,1,8,'), /edge to_node 8 is not the start of a node/],
    [good.replace('"edges":[2,1,7,', '"edges":[9,1,7,'), /edge type 9 is not in meta edge_types/],
    // Found by the worker, or by the one-thread parse that follows when this thread took the rows.
    [
      good.replace('"edges":[2,1,7,', '"edges":[2,1,7,2,1,7,'),
      /"edges" holds more than the declared edge_count|edge_count fields add up to 2 but "edges" holds 3/,
    ],
    [good.replace('"edges":[2,1,7,', '"edges":[2,x1,7,'), /unexpected 'x' in "edges"/],
    [good.slice(0, good.indexOf('"edges":[') + 12), /ends inside "edges"/],
  ];
  for (const [text, message] of cases) {
    const file = join(tmp.dir, 'bad-edges.heapsnapshot');
    writeFileSync(file, text);
    await assert.rejects(loadSnapshotFile(file, { parallel: true }), (error: unknown) => {
      assert.ok(error instanceof SnapshotFormatError, String(error));
      assert.match(error.message, message);
      assert.ok(error.offset > text.indexOf('"edges"') && error.offset <= text.length, error.message);
      return true;
    });
  }
});

test('a file laid out unusually (a nested "edges" key first) loads in one thread instead', async () => {
  const good = snapshotText([
    { name: '', type: 'synthetic', edges: [{ to: 1 }] },
    { name: 'A', edges: [{ to: 0 }] },
  ]);
  const file = join(tmp.dir, 'unusual.heapsnapshot');
  const text = good
    .replace('"nodes":[', `"nodes":[${' '.repeat(20000)}`)
    .replace('"edges":[', '"extra":{"edges":[5,5,5,5]},\n"edges":[');
  writeFileSync(file, text);
  const s = await loadSnapshotFile(file, { parallel: true });
  assert.equal(s.edgeCount, 2);
  assert.deepEqual([...s.edgeTo], [1, 0]);
});
