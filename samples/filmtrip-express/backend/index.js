'use strict';
// FilmTrip sample backend on Express 5 with the usual middleware: a realistic
// dependency tree (a few hundred packages) for the fast-deploy bench.
// The graceful-shutdown code is samples/filmtrip/backend/index.js's, unchanged;
// the contract is described in ../../filmtrip/README.md.
const cluster = require('cluster');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');

const express = require('express');
const helmet = require('helmet');
const cors = require('cors');
const compression = require('compression');
const cookieParser = require('cookie-parser');
const rateLimit = require('express-rate-limit');
const createError = require('http-errors');
const dayjs = require('dayjs');
const pino = require('pino');
const pinoHttp = require('pino-http');
const { z } = require('zod');
const { randomUUID } = require('crypto');

if (fs.existsSync(path.join(__dirname, 'CRASH_ON_START'))) {
  // Lets a test build a release that never becomes ready.
  throw new Error('CRASH_ON_START present: refusing to start');
}

const port = Number(process.env.PORT || 3001);
const version = fs.readFileSync(path.join(__dirname, 'VERSION'), 'utf8').trim();
const startedAt = dayjs();
const HARD_EXIT_MS = 4000; // pm2 kill_timeout is 5000: exit on our own before SIGKILL.
const IDLE_BACKSTOP_MS = 3000; // > nginx's upstream keepalive_timeout (2s)
let shuttingDown = false;

const logger = pino({ level: process.env.LOG_LEVEL || 'warn' });
const app = express();
app.disable('x-powered-by');
app.set('trust proxy', 'loopback');

// After shutdown begins, tell the peer (nginx) not to reuse this socket.
app.use((req, res, next) => {
  if (shuttingDown) res.setHeader('Connection', 'close');
  next();
});
app.get('/health', (req, res) => res.type('text/plain').send('ok'));
app.get('/version', (req, res) => res.type('text/plain').send(version));

app.use(pinoHttp({ logger, genReqId: () => randomUUID(), autoLogging: { ignore: (req) => req.url === '/health' } }));
app.use(helmet());
app.use(cors({ origin: process.env.CORS_ORIGIN || false, credentials: true }));
app.use(compression());
app.use(cookieParser());
app.use(express.json({ limit: '1mb' }));
app.use('/trips', rateLimit({ windowMs: 60_000, limit: 600, standardHeaders: 'draft-8', legacyHeaders: false }));

const Trip = z.object({
  title: z.string().min(1).max(200),
  city: z.string().min(1).max(100),
  startsOn: z.string().refine((s) => dayjs(s).isValid(), 'not a date'),
});
const trips = [];

app.get('/', (req, res) => {
  res.json({ app: 'filmtrip', version, pid: process.pid, uptimeSeconds: dayjs().diff(startedAt, 'second') });
});
app.get('/trips', (req, res) => res.json(trips.slice(-50)));
// A non-idempotent request: proxies must not retry it, so a reload must not drop it.
app.post('/trips', (req, res, next) => {
  const parsed = Trip.safeParse(req.body ?? {});
  if (!parsed.success) return next(createError(422, parsed.error.issues.map((i) => i.message).join('; ')));
  const trip = { id: randomUUID(), ...parsed.data, version };
  trips.push(trip);
  res.status(201).json(trip);
});
app.use((req, res, next) => next(createError(404, 'not found')));
// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  const status = err.status || 500;
  if (status >= 500) req.log.error(err);
  res.status(status).json({ error: err.expose ? err.message : 'internal error' });
});

const server = http.createServer(app);

server.listen(port, () => {
  if (process.send) process.send('ready');
});

function shutdown(signal) {
  if (shuttingDown) return;
  shuttingDown = true; // from now on every response says Connection: close
  console.log(`${signal}: draining (pid ${process.pid})`);
  setTimeout(() => process.exit(0), HARD_EXIT_MS).unref();
  // Backstop for idle keep-alive sockets nginx has not closed by now.
  setTimeout(() => server.closeIdleConnections(), IDLE_BACKSTOP_MS).unref();
  // Stop accepting, but not with http's server.close(): since Node 19 it also
  // closes idle keep-alive sockets at once, racing nginx, which may be writing
  // a request into one right then (a POST lost that way is a 502: nginx does
  // not retry non-idempotent requests). Idle sockets are left for nginx to
  // close (upstream keepalive_timeout 2s); busy ones close after their
  // Connection: close response.
  net.Server.prototype.close.call(server, () => {
    if (!cluster.isWorker) process.exit(0);
    // Under pm2 cluster mode the primary (pm2's daemon) accepts connections
    // and hands them to workers over IPC; a worker that exits while a handoff
    // is in flight orphans that connection in the primary and the client
    // hangs. worker.disconnect() waits for the primary's ack, which comes
    // after every handoff to us was answered (refused ones are redistributed).
    process.once('disconnect', () => process.exit(0));
    cluster.worker.disconnect();
  });
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
