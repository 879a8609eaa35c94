import type { Orm } from '../../src/db';

const TABLES = ['town', 'twin_link', 'school', 'school_class', 'class_language', 'availability_window'] as const;

/** Every row of the domain tables, ordered: equal snapshots mean nothing changed. */
export async function snapshotDb(orm: Orm): Promise<Record<string, unknown[]>> {
  const conn = orm.em.getConnection();
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    out[table] = await conn.execute(`select * from ${table} order by id`);
  }
  return out;
}
