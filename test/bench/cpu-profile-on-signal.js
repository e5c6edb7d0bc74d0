// Preloaded with `node --require`: a V8 CPU profile of only the part of a run a benchmark wants, where --cpu-prof
// would profile the whole life of the process. The first SIGUSR2 starts profiling, the second writes
// <ACS_BENCH_PROFILE_DIR>/<pid>.cpuprofile (whole: written aside, then renamed).
'use strict';

const fs = require('node:fs');
const inspector = require('node:inspector');
const path = require('node:path');

const dir = process.env.ACS_BENCH_PROFILE_DIR;
if (!dir) throw new Error('cpu-profile-on-signal needs ACS_BENCH_PROFILE_DIR');
const session = new inspector.Session();
session.connect();
let profiling = false;
process.on('SIGUSR2', () => {
  if (!profiling) {
    profiling = true;
    session.post('Profiler.enable', () => session.post('Profiler.start'));
    return;
  }
  profiling = false;
  session.post('Profiler.stop', (error, result) => {
    if (error) return void process.stderr.write(`CPU profile failed: ${error.message}\n`);
    const file = path.join(dir, `${process.pid}.cpuprofile`);
    fs.writeFileSync(`${file}.part`, JSON.stringify(result.profile));
    fs.renameSync(`${file}.part`, file);
  });
});
