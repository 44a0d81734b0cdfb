// LEAK: a plain object used as a session store, sessions never expire.
import { trackVar } from 'memscope';
import { run } from './_lib.mjs';

const sessions = trackVar('sessions', {});
await run((i) => {
  sessions[`sid-${i}`] = { user: i, createdAt: Date.now() };
});
