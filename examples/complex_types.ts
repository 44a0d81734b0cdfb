// complex_types: nested Maps, class instances, objects shared between owners, typed
// arrays and a 1 MB Buffer (memory outside the V8 heap).
import { getGlobalTracker, init, trackClone, trackVar } from 'memscope';

init({ name: 'complex_types' });

class User {
  constructor(
    public id: number,
    public name: string,
    public email: string,
    public preferences: Map<string, string>,
  ) {}
}

class Database {
  users = new Map<number, User>();
  activeSessions = new Set<string>();
  requestQueue: string[] = [];
}

const database = trackVar('database', new Database());
for (let id = 1; id <= 50; id++) {
  const user = new User(id, `User ${id}`, `user${id}@example.com`, new Map([['theme', id % 2 ? 'dark' : 'light']]));
  database.users.set(id, user);
  database.activeSessions.add(`session-${id}`);
  database.requestQueue.push(`GET /users/${id}`);
}
const alice = trackVar('user1', database.users.get(1)!);

// One object, several owners: the second and third names are aliases.
const sharedConfig = trackVar('shared_config', { settings: ['setting1', 'setting2', 'setting3'] });
const holderA = { config: trackVar('shared_config_clone', sharedConfig) };
const holderB = { config: trackVar('shared_config_again', sharedConfig) };

// A real copy is a clone, not an alias.
const configCopy = trackClone('config_copy', structuredClone(sharedConfig), sharedConfig);

const nested = trackVar(
  'nested_maps',
  new Map([
    ['eu', new Map([['fr', [1, 2, 3]]])],
    ['us', new Map([['ca', [4, 5]]])],
  ]),
);
const samples = trackVar('samples', new Float64Array(10_000));
const largeBuffer = trackVar('large_buffer', Buffer.alloc(1024 * 1024));

const tracker = getGlobalTracker();
const stats = tracker.getStats();
console.log(`tracked ${stats.totalAllocations} values, ${stats.aliases} aliases, ${stats.clones} clone`);
console.log('memory by type (estimated):');
for (const t of tracker.getMemoryByType().slice(0, 6)) {
  console.log(`  ${t.typeName.padEnd(36)} ${String(t.totalSize).padStart(9)} B  ${t.names.join(', ')}`);
}
for (const file of tracker.exportAll()) console.log(`  wrote ${file}`);
console.log(alice.name, holderA.config === holderB.config, configCopy.settings.length, nested.size);
console.log(samples.length, largeBuffer.length);
