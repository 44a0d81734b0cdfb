// lifecycles: function scopes, a value returned out of its scope, loop allocations, and
// values that the garbage collector reclaims while the program runs.
import { enterScope, getGlobalTracker, init, scope, trackVar } from 'memscope';

init({ name: 'lifecycles' });

function createAndDropString(): { text: string } {
  return scope('create_and_drop_string', () => {
    trackVar('local_string', { text: 'This string is local to the function' });
    // Returned: it outlives its scope, and is tracked again by the caller (a move).
    return trackVar('return_string', { text: 'This string will be returned' });
  });
}

function processDataInLoop(): number {
  return scope('process_data_in_loop', () => {
    let total = 0;
    for (let i = 0; i < 5; i++) {
      using _iteration = enterScope(`iteration_${i}`);
      const loopVec = trackVar('loop_vec', new Array(100).fill(i));
      total += loopVec.reduce((a: number, b: number) => a + b, 0);
    }
    return total;
  });
}

async function main() {
  const mainScopeVec = trackVar('main_scope_vec', [1, 2, 3]);
  const transferred = trackVar('transferred_string', createAndDropString());
  const sum = processDataInLoop();

  // A full GC so that the dropped values show a measured death.
  await getGlobalTracker().collectGarbage();

  const history = getGlobalTracker().getAllocationHistory();
  const ended = history.filter((a) => !a.alive).length;
  console.log(`tracked ${history.length} values, ${ended} already collected, loop sum ${sum}`);
  console.log(mainScopeVec.length, transferred.text.length);
  for (const file of getGlobalTracker().exportAll()) console.log(`  wrote ${file}`);
}

await main();
