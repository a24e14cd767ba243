const { readOutput } = require('./dist/pipeline/run');
const n = require('./dist/network/network');
const { mapTasks } = require('./dist/util/workers');
const { defaults } = require('./dist/config');
const out = process.argv[2];
(async () => {
  const mart = readOutput(out, 'mart'), edges = readOutput(out, 'edges');
  const p = defaults().network;
  for (const w of [1, 2, 1, 2, 2]) {
    let t = Date.now();
    const tasks = n.accountTasks(mart, edges);
    const t1 = Date.now() - t; t = Date.now();
    const r = await mapTasks({ module: 'network/network.js', fn: 'analyseAccountTask' }, n.analyseAccountTask, tasks, { params: p, seed: 42 }, { workers: w, cost: (x) => x.line_ids.length * (x.edges.length + 1) });
    const t2 = Date.now() - t;
    console.log(`workers ${w}: tasks ${t1} ms, analysis ${t2} ms; ${tasks.length} accounts, biggest ${Math.max(...tasks.map(x => x.line_ids.length))} lines`);
  }
  console.log(require('os').loadavg());
})();
