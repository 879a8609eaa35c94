'use strict';
// PostGraphile 4 in library mode over the bench database: the "off the
// shelf" peer of npm run bench. Settings are PostGraphile's production
// recommendations (no GraphiQL, no query log, no watch, errors without
// stacks); the pool has the same size as the API's (10).
//
//   DATABASE_URL=postgres://… PORT=4102 node bench/peers/postgraphile/server.js
const http = require('node:http');
const { Pool } = require('pg');
const { postgraphile } = require('postgraphile');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const middleware = postgraphile(pool, 'public', {
  graphqlRoute: '/graphql',
  graphiql: false,
  disableQueryLog: true,
  watchPg: false,
  retryOnInitFail: false,
  dynamicJson: true,
  setofFunctionsContainNodes: true,
  ignoreRBAC: false,
  // PostGraphile's default: offer every column for ordering, indexed or not,
  // so the peer can run the same queries as the API (see the bench notes).
  ignoreIndexes: true,
  showErrorStack: false,
  extendedErrors: [],
  enableQueryBatching: false,
  bodySizeLimit: '1MB',
});

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
    return;
  }
  middleware(req, res);
});
server.listen(Number(process.env.PORT ?? 4102), '127.0.0.1', () => {
  process.stdout.write(`postgraphile ready on ${server.address().port}\n`);
});
const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
