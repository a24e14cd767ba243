const { readOutput } = require('./dist/pipeline/run');
const n = require('./dist/network/network');
const { mapTasks } = require('./dist/util/workers');
(async () => {
  const mart = readOutput(process.argv[2], 'mart'), edges = readOutput(process.argv[2], 'edges');
  const tasks = n.accountTasks(mart, edges);
  for (let k = 0; k < 3; k++) {
    const t = Date.now(); const c = process.cpuUsage();
    await mapTasks({ module: '../../../tmp/lines-id.js', fn: 'identity' }, null, tasks, null, { workers: 2 });
    console.log('clone-only pool', Date.now() - t, 'ms wall', ((process.cpuUsage(c).user + process.cpuUsage(c).system) / 1000).toFixed(0), 'ms cpu');
  }
})();
