// Baseline for docs/benchmarks.md: node's JSON.parse over each line of a
// JSON Lines file. Prints the median seconds of N runs (after one warm-up).
'use strict';
const fs = require('fs');
const [file, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 5);
const buf = fs.readFileSync(file);
function once() {
  let start = 0;
  let n = 0;
  while (start < buf.length) {
    let end = buf.indexOf(10, start);
    if (end < 0) end = buf.length;
    if (end > start) {
      JSON.parse(buf.toString('utf8', start, end));
      n++;
    }
    start = end + 1;
  }
  return n;
}
once();
const times = [];
for (let i = 0; i < runs; i++) {
  const t = process.hrtime.bigint();
  once();
  times.push(Number(process.hrtime.bigint() - t) / 1e9);
}
times.sort((a, b) => a - b);
console.log(times[Math.floor(times.length / 2)].toFixed(6));
