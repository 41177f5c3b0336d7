'use strict';
// "Build": copy src/index.html to dist/, stamping in VERSION.
const fs = require('fs');
const path = require('path');

const version = fs.readFileSync(path.join(__dirname, 'VERSION'), 'utf8').trim();
const html = fs.readFileSync(path.join(__dirname, 'src', 'index.html'), 'utf8');
const dist = path.join(__dirname, 'dist');
fs.mkdirSync(dist, { recursive: true });
fs.writeFileSync(path.join(dist, 'index.html'), html.replaceAll('{{VERSION}}', version));
console.log(`build: dist/index.html version ${version}`);
