'use strict';
// Stand-in for a database migration: proves `npm run migrate` ran in this release.
const fs = require('fs');
const path = require('path');

const file = path.join(__dirname, 'MIGRATED');
const runs = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').split('\n')[0]) || 0 : 0;
fs.writeFileSync(file, `${runs + 1}\n${new Date().toISOString()}\n`);
console.log(`migrate: run ${runs + 1}`);
