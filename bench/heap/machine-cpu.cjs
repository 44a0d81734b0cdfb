// CPU time of all processes, in ms (/proc/stat counts in 10 ms ticks); NaN where there is none.
// The heap bench's runs report what other processes took while they ran.
const { readFileSync } = require('node:fs');

exports.machineCpuMs = () => {
  try {
    const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8').split(/ +|\n/).slice(1, 8);
    return (+user + +nice + +system + +irq + +softirq) * 10;
  } catch {
    return NaN;
  }
};
