import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { migrationsList } from '../migrations';
import type { Config } from './config';
import { entities } from './modules/entities';

// mikro-orm-pglite ships CommonJS (index.cjs) but its typings are ESM-only,
// which the CommonJS resolver cannot see; load it with require and type the
// one export we use.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PGliteDriver } = require('mikro-orm-pglite') as { PGliteDriver: NonNullable<Options['driver']> };

export type Orm = MikroORM;

export type DbTarget =
  | { kind: 'postgres'; url: string }
  /** dataDir undefined: in memory (tests). */
  | { kind: 'pglite'; dataDir?: string };

export function dbTargetFromConfig(config: Pick<Config, 'databaseUrl' | 'dataDir'>): DbTarget {
  return config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dataDir: config.dataDir };
}

function baseOptions(): Options {
  return {
    entities,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    // Relations are loaded by our own DataLoaders; nothing is loaded implicitly.
    populateWhere: 'infer',
    forceUtcTimezone: true,
    allowGlobalContext: false,
    debug: false,
  };
}

/**
 * Opens the database (PostgreSQL or embedded PGlite) and applies pending
 * migrations. The one place that knows about both backends.
 */
export async function createOrm(
  target: DbTarget,
  overrides: Partial<Options> = {},
  opts: { statementTimeoutMs?: number } = {},
): Promise<Orm> {
  // PGlite runs in this process and cannot interrupt a statement, so the
  // timeout applies to PostgreSQL (what production runs on) only.
  const timeout = opts.statementTimeoutMs ?? 0;
  let options: Options;
  let pglite: PGlite | undefined;
  if (target.kind === 'postgres') {
    options = {
      ...baseOptions(),
      clientUrl: target.url,
      pool: { min: 0, max: 10 },
      // A runaway query is cancelled by the server instead of holding a connection.
      driverOptions: timeout > 0 ? { connection: { statement_timeout: timeout } } : {},
      ...overrides,
    };
  } else {
    if (target.dataDir) fs.mkdirSync(target.dataDir, { recursive: true });
    pglite = target.dataDir ? new PGlite(target.dataDir) : new PGlite();
    const instance = pglite;
    options = {
      ...baseOptions(),
      driver: PGliteDriver,
      dbName: 'postgres',
      driverOptions: { connection: { pglite: () => instance } },
      ...overrides,
    };
  }
  const orm = await MikroORM.init(options);
  if (pglite) {
    // The PGlite instance is borrowed by the driver; close it with the ORM.
    const close = orm.close.bind(orm);
    const instance = pglite;
    orm.close = async (force?: boolean) => {
      await close(force);
      if (!instance.closed) await instance.close();
    };
  }
  await orm.getMigrator().up();
  return orm;
}
