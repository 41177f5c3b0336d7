'use strict';
// How a bench driver ends: on SIGINT/SIGTERM or when main() settles, stop() stops what it started (load, daemon,
// nginx), then the process exits with main's code (0 every goal met, 1 one missed), 2 when it broke (the end of the
// daemon's log printed), 130/143 on a signal.
const fs = require('fs');

function runDriver(main, { stop, daemonLog }) {
  const shutdown = async (code) => {
    await stop();
    process.exit(code);
  };
  process.on('SIGINT', () => shutdown(130));
  process.on('SIGTERM', () => shutdown(143));
  main().then((code) => shutdown(code), async (e) => {
    console.error(e.stack || e);
    try { console.error(fs.readFileSync(daemonLog, 'utf8').split('\n').slice(-30).join('\n')); } catch { /* none */ }
    await shutdown(2);
  });
}

module.exports = { runDriver };
