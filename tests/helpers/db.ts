import { Client } from 'pg';
import { createOrm, type Orm } from '../../src/db';

/**
 * A fresh, migrated database for one test file: an in-memory PGlite by
 * default, or, when DATABASE_URL is set, a PostgreSQL database of this jest
 * worker's own (dropped and recreated), so parallel workers never collide.
 */
export async function createTestOrm(opts: { statementTimeoutMs?: number } = {}): Promise<Orm> {
  const url = process.env.DATABASE_URL;
  if (!url) return createOrm({ kind: 'pglite' }, {}, opts);
  const worker = process.env.JEST_WORKER_ID ?? '0';
  const dbName = `twx_test_${process.pid}_${worker}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${dbName}" with (force)`);
    await admin.query(`create database "${dbName}"`);
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${dbName}`;
  const orm = await createOrm({ kind: 'postgres', url: target.toString() }, {}, opts);
  const close = orm.close.bind(orm);
  orm.close = async (force?: boolean) => {
    await close(force);
    const cleanup = new Client({ connectionString: url });
    await cleanup.connect();
    await cleanup.query(`drop database if exists "${dbName}" with (force)`).finally(() => cleanup.end());
  };
  return orm;
}
