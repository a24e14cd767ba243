const { readOutput } = require('./dist/pipeline/run');
const { analyseNetworks } = require('./dist/network/network');
const { defaults } = require('./dist/config');
const { tableCsv } = require('./dist/io/tables');
const { DATASETS } = require('./dist/catalog');
(async () => {
  const mart = readOutput(process.argv[2], 'mart'), edges = readOutput(process.argv[2], 'edges');
  const ref = require('fs').readFileSync(process.argv[2] + '/network/line_network.csv', 'utf8');
  const refTies = require('fs').readFileSync(process.argv[2] + '/network/call_ties.csv', 'utf8');
  for (const w of (process.argv[3] || '1,2,1,2').split(',').map(Number)) {
    const t = Date.now(); const c = process.cpuUsage();
    const r = await analyseNetworks(mart, edges, defaults().network, 42, { workers: w });
    const u = process.cpuUsage(c);
    const same = tableCsv(DATASETS.network, r.network) === ref && tableCsv(DATASETS.ties, r.ties) === refTies;
    console.log(`workers ${w}: ${Date.now() - t} ms wall, ${((u.user + u.system) / 1000).toFixed(0)} ms cpu, same bytes as the run: ${same}`);
  }
  console.log('load', require('os').loadavg().map(x => x.toFixed(1)).join(' '));
})();
