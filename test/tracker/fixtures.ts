/**
 * Structures whose estimated size is checked against a heap snapshot (size-accuracy.test.ts)
 * and reported in BENCHMARKS.md. Built the way programs build them: arrays by push or by
 * Array.from, strings at run time (literals would be shared with the code), objects from
 * factory functions. Every shape is also used by an object outside the fixture (`shapes`),
 * as in a program that holds more than one object of a kind, so the hidden classes (V8
 * maps, shared by objects of one shape) are not retained by the fixture alone.
 */
export class User {
  constructor(
    public id: number,
    public name: string,
    public email: string,
    public score: number,
    public tags: string[],
  ) {}
}

function user(i: number): User {
  return new User(i, `user-${i}`, `user${i}@example.com`, i / 3, [`tag${i % 7}`, `group-${i % 13}`]);
}

function record(i: number) {
  return { id: i, label: `item ${i}`, price: i * 1.25, active: i % 2 === 0 };
}

function config(i: number) {
  return {
    name: `service-${i}`,
    server: {
      host: `host-${i}.internal`,
      port: 8000 + i,
      tls: { enabled: true, cert: `-----CERT ${i}-----`.repeat(4) },
    },
    limits: { maxConnections: 1000 + i, timeoutMs: 30_000, retry: { attempts: 3, backoff: 1.5 } },
    features: [`feature-a-${i}`, `feature-b-${i}`, `feature-c-${i}`],
    owners: [user(i), user(i + 1)],
  };
}

export function buildFixtures(): { fixtures: Record<string, unknown>; shapes: unknown[] } {
  const smiPush: number[] = [];
  for (let i = 0; i < 10_000; i++) smiPush.push(i);
  const doublePush: number[] = [];
  for (let i = 0; i < 10_000; i++) doublePush.push(i + 0.5);
  const fixtures: Record<string, unknown> = {
    'Array<number> small ints, push': smiPush,
    'Array<number> small ints, Array.from': Array.from({ length: 10_000 }, (_, i) => i * 2),
    'Array<number> doubles, push': doublePush,
    'Array<number> doubles, map': smiPush.map((x) => x / 7),
    'Array<string> from JSON': JSON.parse(
      JSON.stringify(Array.from({ length: 2_000 }, (_, i) => `string number ${i}`)),
    ),
    'Array<string> concatenated': Array.from({ length: 2_000 }, (_, i) => `string number ${i}`),
    'Array<string> two-byte': Array.from({ length: 2_000 }, (_, i) => `строка ${i}`),
    'Map<string, object>': new Map(Array.from({ length: 1_000 }, (_, i) => [`key-${i}`, record(i)])),
    'Map<number, User>': new Map(Array.from({ length: 500 }, (_, i) => [i, user(i)])),
    'Set<string>': new Set(Array.from({ length: 1_000 }, (_, i) => `member-${i}`)),
    'User (one instance)': user(1),
    'Array<User>': Array.from({ length: 500 }, (_, i) => user(i)),
    'nested plain objects': config(1),
    'Array<nested plain objects>': Array.from({ length: 100 }, (_, i) => config(i)),
    'Buffer.alloc(1 MiB)': Buffer.alloc(1 << 20),
    'Float64Array(100k)': new Float64Array(100_000),
  };
  const shapes = [user(-1), record(-1), config(-1)];
  return { fixtures, shapes };
}
