'use strict';
// Preloaded into every server under test (`node --require`), so the API and
// its peers are counted the same way: every statement a pg client sends
// over the wire (BEGIN/COMMIT included) adds one. npm run bench asks for
// the count over the IPC channel before and after a scenario's counting
// pass. Nothing of this is part of the API itself.
const path = require('node:path');

const entry = process.argv[1] ? path.dirname(path.resolve(process.argv[1])) : process.cwd();
// The pg the server itself will load (the API's, or the peer's own copy).
const pg = require(require.resolve('pg', { paths: [entry] }));

let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  statements += 1;
  return query.apply(this, args);
};

if (process.send) {
  process.on('message', (message) => {
    if (message && message.type === 'bench:statements') process.send({ type: 'bench:statements', id: message.id, statements });
  });
  // The channel alone must not keep a stopping server alive.
  process.channel?.unref();
}
