import { Client } from 'pg';
import { defaultTwinsFile } from '../bootstrap';
import type { Config } from '../config';
import { createOrm, type Orm } from '../db';
import { importTowns } from '../modules/import/towns';
import { importTwins } from '../modules/import/twins';
import { generate, generateExchanges, generatePairings, vacuumAnalyze, type BenchScale } from './generate';

/** Creates the database named in the URL when it does not exist (through the server's `postgres` database). */
export async function ensureDatabase(url: URL): Promise<void> {
  const admin = new URL(url.toString());
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const name = decodeURIComponent(url.pathname.slice(1));
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/** Drops the database named in the URL, if it exists. */
export async function dropDatabase(url: URL): Promise<void> {
  const admin = new URL(url.toString());
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`drop database if exists "${decodeURIComponent(url.pathname.slice(1)).replace(/"/g, '""')}" with (force)`);
  } finally {
    await client.end();
  }
}

async function count(orm: Orm, table: string): Promise<number> {
  const [row] = await orm.em.getConnection().execute<{ n: number }[]>(`select count(*)::int as n from ${table}`);
  return Number(row!.n);
}

export type BenchData = {
  towns: number;
  twinLinks: number;
  schools: number;
  classes: number;
  classLanguages: number;
  pairings: number;
  exchanges: number;
  visits: number;
  goals: number;
  evaluations: number;
  budgetLines: number;
  fundingSources: number;
};

/**
 * The bench data set, built once per database and reused by later runs:
 * migrations, the real European towns and twin links (the same importers as
 * the server), then the generated schools, classes, pairings and exchanges;
 * vacuumed and analysed before every run.
 */
export async function prepareBenchData(url: URL, config: Config, scale: BenchScale): Promise<{ orm: Orm; data: BenchData }> {
  await ensureDatabase(url);
  const orm = await createOrm({ kind: 'postgres', url: url.toString() });
  try {
    if ((await count(orm, 'town')) === 0) {
      process.stdout.write('importing European towns (GeoNames, CLDR)…\n');
      await importTowns(orm);
    }
    const twins = defaultTwinsFile(config);
    if ((await count(orm, 'twin_link')) === 0 && twins) {
      process.stdout.write(`importing twin links from ${twins}…\n`);
      await importTwins(orm, twins);
    }
    await generate(orm, scale);
    await generatePairings(orm);
    await generateExchanges(orm);
    await vacuumAnalyze(orm);
    const data: BenchData = {
      towns: await count(orm, 'town'),
      twinLinks: await count(orm, 'twin_link'),
      schools: await count(orm, 'school'),
      classes: await count(orm, 'school_class'),
      classLanguages: await count(orm, 'class_language'),
      pairings: await count(orm, 'language_pairing'),
      exchanges: await count(orm, 'exchange'),
      visits: await count(orm, 'visit'),
      goals: await count(orm, 'goal'),
      evaluations: await count(orm, 'evaluation'),
      budgetLines: await count(orm, 'budget_line'),
      fundingSources: await count(orm, 'funding_source'),
    };
    return { orm, data };
  } catch (err) {
    await orm.close();
    throw err;
  }
}
