// The production shape from the team's plan (deploy-strategy-ecs.zh.md).
module.exports = {
  apps: [{
    name: 'filmtrip-backend',
    script: './index.js',
    instances: 2,
    exec_mode: 'cluster',
    wait_ready: true,
    listen_timeout: 10000,
    kill_timeout: 5000,
    // pm2 waits this long between reloading one worker and the next.
    reload_delay: 1000,
    max_memory_restart: '500M',
    env: {
      NODE_ENV: 'production',
      PORT: process.env.PORT || 3001,
    },
  }],
};
