'use strict';
// The bench's repository: a work tree the driver writes and commits in, force-pushed to the bare repository the
// daemon deploys from.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const git = (cwd, ...args) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

function gitWork(work, bare) {
  const write = (rel, text) => { fs.mkdirSync(path.dirname(path.join(work, rel)), { recursive: true }); fs.writeFileSync(path.join(work, rel), text); };
  const read = (rel) => fs.readFileSync(path.join(work, rel), 'utf8');
  const remove = (rel) => fs.rmSync(path.join(work, rel), { force: true });
  function commit(message) {
    git(work, 'add', '-A');
    git(work, '-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '--allow-empty', '-m', message);
    git(work, 'push', '-q', '--force', bare, 'HEAD:refs/heads/main');
    return git(work, 'rev-parse', 'HEAD');
  }
  /** Creates the bare repository and the work tree. */
  function init(parent) {
    git(parent, 'init', '-q', '--bare', '--initial-branch', 'main', bare);
    git(parent, 'init', '-q', '--initial-branch', 'main', work);
  }
  return { dir: work, write, read, remove, commit, init };
}

module.exports = { git, gitWork };
