import 'reflect-metadata';
import http from 'node:http';
import { createApp } from './app';
import { ensureData } from './bootstrap';
import { loadConfigOrExit } from './config';
import { createOrm, dbTargetFromConfig } from './db';
import { createLogger } from './logger';
import { createTokenFromCli } from './modules/auth/token-cli';
import type { EntityManager } from '@mikro-orm/postgresql';

async function main() {
  const config = loadConfigOrExit();
  const logger = createLogger(config);
  const target = dbTargetFromConfig(config);
  logger.info({ database: target.kind === 'postgres' ? 'postgresql' : `pglite:${config.dataDir}` }, 'starting');
  const orm = await createOrm(target, {}, { statementTimeoutMs: config.statementTimeoutMs });
  let devToken: string | undefined;
  if (config.autoSeed) {
    await ensureData(orm, config, logger);
    if (!config.isProduction) {
      // A day-long admin token for trying mutations locally; never in production.
      ({ token: devToken } = await createTokenFromCli(orm.em.fork() as EntityManager, {
        user: 'admin@example.org',
        create: true,
        name: 'Demo Admin',
        admin: true,
        expiresInDays: 1,
        label: 'development token printed at start',
      }));
    }
  }
  const app = await createApp({ config, orm, logger });
  const server = http.createServer((req, res) => void app.handle(req, res));
  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ port }, 'listening');
    process.stdout.write(`\nTwinning Exchanges API ready at http://localhost:${port}/graphql\n`);
    if (devToken) process.stdout.write(`Demo admin token (development only, valid 24 h): ${devToken}\n`);
    process.stdout.write('\n');
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    // close() stops accepting and resolves once in-flight requests are done.
    server.close(async () => {
      logger.info('in-flight requests done; closing the database');
      await app.stop();
      await orm.close();
      logger.info('stopped');
      logger.flush();
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`Failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
