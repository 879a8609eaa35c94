import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A kind of personal data with a retention limit. The exchange module
 * registers one for participants: it erases (not deletes) the personal
 * fields of pupils whose exchange ended before `cutoff`, keeping the rows
 * so counts stay right, and returns how many people it erased.
 */
export type RetentionPurger = {
  name: string;
  purge(em: EntityManager, cutoff: Date): Promise<number>;
};

const purgers = new Map<string, RetentionPurger>();

export function registerRetentionPurger(purger: RetentionPurger): void {
  purgers.set(purger.name, purger);
}

export function unregisterRetentionPurger(name: string): void {
  purgers.delete(name);
}

export function retentionPurgers(): RetentionPurger[] {
  return [...purgers.values()];
}

/** The cutoff for a retention of `months`: data of exchanges that ended before it is erased. */
export function retentionCutoff(months: number, now: Date = new Date()): Date {
  const cutoff = new Date(now.getTime());
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  return cutoff;
}

/** Runs every registered purger in one transaction; all or nothing. */
export async function purgeExpiredPersonalData(
  em: EntityManager,
  months: number,
  now: Date = new Date(),
): Promise<{ cutoff: Date; results: { name: string; erased: number }[] }> {
  const cutoff = retentionCutoff(months, now);
  const results = await em.transactional(async (tx) => {
    const out: { name: string; erased: number }[] = [];
    for (const purger of purgers.values()) out.push({ name: purger.name, erased: await purger.purge(tx as EntityManager, cutoff) });
    return out;
  });
  return { cutoff, results };
}
