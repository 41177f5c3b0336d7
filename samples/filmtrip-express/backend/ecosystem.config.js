// The production shape from the team's plan (deploy-strategy-ecs.zh.md).
// Start with --cwd <Root>/current so pm2 keeps the symlink path (see ../../filmtrip/README.md).
module.exports = {
  apps: [{
    name: 'filmtrip-express-backend',
    script: './index.js',
    instances: 2,
    exec_mode: 'cluster',
    wait_ready: true,
    listen_timeout: 10000,
    kill_timeout: 5000,
    // Kept from the plan, but pm2 7.0.4 has no such option (not in its schema
    // nor its code): it is ignored, harmlessly. pm2 reloads workers one at a
    // time anyway, each once its replacement sent 'ready'.
    reload_delay: 1000,
    max_memory_restart: '500M',
    env: {
      NODE_ENV: 'production',
      PORT: process.env.PORT || 3001,
    },
  }],
};
