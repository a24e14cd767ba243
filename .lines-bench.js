const { readOutput } = require('./dist/pipeline/run');
const { analyseNetworks } = require('./dist/network/network');
const { defaults } = require('./dist/config');
const out = process.argv[2];
(async () => {
  const mart = readOutput(out, 'mart'), edges = readOutput(out, 'edges');
  const p = defaults().network;
  const res = {};
  for (const w of [1, 2, 1, 2]) {
    const t = Date.now(); const cpu0 = process.cpuUsage();
    const r = await analyseNetworks(mart, edges, p, 42, { workers: w });
    const ms = Date.now() - t;
    (res[w] ??= []).push(ms);
    console.log(`workers ${w}: ${ms} ms (main-thread cpu ${(process.cpuUsage(cpu0).user / 1000).toFixed(0)} ms), ${r.network.numRows()} lines`);
  }
  console.log(require('os').loadavg());
})();
