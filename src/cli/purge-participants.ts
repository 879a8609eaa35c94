import 'reflect-metadata';
import type { EntityManager } from '@mikro-orm/postgresql';
import { loadConfigOrExit } from '../config';
import { createOrm, dbTargetFromConfig } from '../db';
import { purgeExpiredPersonalData } from '../modules/retention/retention';
import '../modules/retention/purgers';

/** Erases pupils' personal data RETENTION_MONTHS after their exchange ended (counts are kept). */
async function main(): Promise<number> {
  const config = loadConfigOrExit();
  const orm = await createOrm(dbTargetFromConfig(config));
  try {
    const { cutoff, results } = await purgeExpiredPersonalData(orm.em.fork() as EntityManager, config.retentionMonths);
    process.stdout.write(`Retention: ${config.retentionMonths} months; erasing personal data of exchanges that ended before ${cutoff.toISOString().slice(0, 10)}.\n`);
    
    for (const r of results) process.stdout.write(`  ${r.name}: ${r.erased} erased\n`);
    return 0;
  } finally {
    await orm.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`purge:participants failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
