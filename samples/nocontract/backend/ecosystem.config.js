// The seed's production shape (samples/filmtrip/backend/ecosystem.config.js) minus wait_ready: this app never
// sends 'ready', so pm2 counts a cluster worker as up once it listens (or after listen_timeout).
// Start with --cwd <Root>/current so pm2 keeps the symlink path (see ../../filmtrip/README.md).
module.exports = {
  apps: [{
    name: 'nocontract-backend',
    script: './index.js',
    instances: 2,
    exec_mode: 'cluster',
    listen_timeout: 10000,
    kill_timeout: 5000,
    max_memory_restart: '500M',
    env: {
      NODE_ENV: 'production',
      PORT: process.env.PORT || 3001,
    },
  }],
};
