import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { createApp } from '../app';
import { defaultTwinsFile } from '../bootstrap';
import { loadConfigOrExit } from '../config';
import { createContext } from '../context';
import { createOrm, type Orm } from '../db';
import { countStatements } from '../lib/sql-counter';
import { toGlobalId } from '../lib/global-id';
import { createTokenFromCli } from '../modules/auth/token-cli';
import { importTowns } from '../modules/import/towns';
import { importTwins } from '../modules/import/twins';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Benchmark of partnerSuggestions on PostgreSQL: a generated set of 100,000
 * classes in 20,000 schools in real towns (deterministic), then N calls for
 * random classes through the GraphQL executor; prints p50/p95/p99 latency
 * and SQL statements per call, and appends the figures to bench/results/.
 *
 *   npm run bench:matching [-- --schools 20000 --classes-per-school 5 --calls 300]
 *
 * Uses BENCH_DATABASE_URL, or the server at 127.0.0.1:5432 (database twx_bench).
 */
const SCHOOLS = Number(argValue('--schools') ?? 20_000);
const PER_SCHOOL = Number(argValue('--classes-per-school') ?? 5);
const CALLS = Number(argValue('--calls') ?? 300);

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const QUERY = `query Bench($id: ID!) {
  partnerSuggestions(classId: $id, first: 20) {
    totalCount
    edges { node { score schoolClass { id label } reasons { criterion score } } }
  }
}`;

async function ensureDatabase(url: URL): Promise<void> {
  const admin = new URL(url.toString());
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  const name = url.pathname.slice(1);
  const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
  if (exists.rowCount === 0) await client.query(`create database "${name}"`);
  await client.end();
}

/** Deterministic data at the requested scale, generated in SQL (seconds, not minutes). */
async function generate(orm: Orm): Promise<void> {
  const conn = orm.em.getConnection();
  const [{ n: schools }] = await conn.execute<{ n: number }[]>('select count(*)::int as n from school');
  if (schools >= SCHOOLS) return;
  await conn.execute('truncate school, school_class, class_language, availability_window, language_pairing restart identity cascade');
  const t0 = Date.now();
  await conn.execute(`
    insert into school (town_id, name, kind, instruction_languages)
    select t.id, 'Bench school ' || g,
           (array['PRIMARY','LOWER_SECONDARY','UPPER_SECONDARY','VOCATIONAL'])[1 + (g % 4)],
           array[coalesce(cl.language, 'en')]
      from generate_series(1, ${SCHOOLS}) g
      join (select id, country, row_number() over (order by population desc, id) as rn from town where population >= 3000) t
        on t.rn = 1 + ((g::bigint * 7919) % (select count(*) from town where population >= 3000))
      left join lateral (select language from country_language where country = t.country
                          order by (official_status is not null) desc, population_percent desc, language limit 1) cl on true`);
  await conn.execute(`
    insert into school_class (school_id, label, age_min, age_max, pupil_count, subjects, themes, looking_for_partners, updated_at)
    select s.id, (7 + k % 4) || chr(65 + k), 10 + (s.id + k) % 7, 12 + (s.id + k) % 7, 14 + (s.id * 7 + k) % 18,
           array[(array['history','biology','geography','music','art','mathematics'])[1 + (s.id + k) % 6]],
           array[(array['ENVIRONMENT','FUTURE_OF_EUROPE','HUMAN_RIGHTS','PEACE','SPORT','CULTURE','DIGITAL'])[1 + (s.id * 3 + k) % 7]],
           (s.id + k) % 10 <> 0, now() - ((s.id + k) % 120) * interval '1 day'
      from school s cross join generate_series(0, ${PER_SCHOOL - 1}) k`);
  await conn.execute(`
    insert into class_language (class_id, language, role, level)
    select c.id, s.instruction_languages[1], 'INSTRUCTION', null from school_class c join school s on s.id = c.school_id`);
  await conn.execute(`
    insert into class_language (class_id, language, role, level)
    select c.id, l.language, 'LEARNING', (array['A1','A2','B1','B2','C1'])[1 + (c.id + l.i) % 5]
      from school_class c
      join school s on s.id = c.school_id
      cross join lateral (
        select x.language, x.i from unnest(array['en','fr','de','es','it','pl','sv','nl']) with ordinality x(language, i)
         where x.language <> s.instruction_languages[1] and (c.id * 31 + x.i * 17) % 8 < 2
      ) l
    on conflict do nothing`);
  await conn.execute(`
    insert into availability_window (class_id, starts_on, ends_on)
    select c.id, date '2027-03-01' + (c.id % 60), date '2027-03-01' + (c.id % 60) + 14 from school_class c where c.id % 3 = 0`);
  await conn.execute('analyze');
  process.stdout.write(`generated ${SCHOOLS} schools, ${SCHOOLS * PER_SCHOOL} classes in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main() {
  const config = loadConfigOrExit();
  const url = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/twx_bench');
  await ensureDatabase(url);
  const orm = await createOrm({ kind: 'postgres', url: url.toString() });
  try {
    const conn = orm.em.getConnection();
    const [{ n: towns }] = await conn.execute<{ n: number }[]>('select count(*)::int as n from town');
    if (towns === 0) await importTowns(orm);
    const [{ n: links }] = await conn.execute<{ n: number }[]>('select count(*)::int as n from twin_link');
    const twins = defaultTwinsFile(config);
    if (links === 0 && twins) await importTwins(orm, twins);
    await generate(orm);

    const app = await createApp({ config: { ...config, isProduction: true }, orm, logger: pino({ level: 'silent' }) });
    const { token } = await createTokenFromCli(orm.em.fork() as EntityManager, { user: 'bench@example.org', create: true, name: 'Bench', admin: true });
    const counter = countStatements(orm);
    const [{ min, max }] = await conn.execute<{ min: number; max: number }[]>('select min(id)::int as min, max(id)::int as max from school_class');
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const run = async (id: number) => {
      const started = process.hrtime.bigint();
      const res = await app.apollo.executeOperation(
        { query: QUERY, variables: { id: toGlobalId('SchoolClass', id) } },
        { contextValue: createContext(orm, { authorization: `Bearer ${token}` }) },
      );
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (res.body.kind !== 'single' || res.body.singleResult.errors) throw new Error(JSON.stringify(res.body));
      return ms;
    };
    for (let i = 0; i < 20; i++) await run(min + Math.floor(random() * (max - min)));
    counter.reset();
    const times: number[] = [];
    for (let i = 0; i < CALLS; i++) times.push(await run(min + Math.floor(random() * (max - min))));
    const statements = counter.count / CALLS;
    times.sort((a, b) => a - b);
    const line = {
      date: new Date().toISOString(),
      classes: max - min + 1,
      schools: SCHOOLS,
      calls: CALLS,
      p50Ms: Number(percentile(times, 50).toFixed(1)),
      p95Ms: Number(percentile(times, 95).toFixed(1)),
      p99Ms: Number(percentile(times, 99).toFixed(1)),
      statementsPerCall: Number(statements.toFixed(2)),
    };
    process.stdout.write(
      `partnerSuggestions on PostgreSQL, ${line.classes} classes in ${SCHOOLS} schools, ${CALLS} calls (first: 20):\n` +
        `  p50 ${line.p50Ms} ms   p95 ${line.p95Ms} ms   p99 ${line.p99Ms} ms   SQL statements per call ${line.statementsPerCall}\n`,
    );
    const dir = path.resolve('bench', 'results');
    fs.mkdirSync(dir, { recursive: true });
    fs.appendFileSync(path.join(dir, 'partner-suggestions.jsonl'), `${JSON.stringify(line)}\n`);
    await app.stop();
  } finally {
    await orm.close();
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
