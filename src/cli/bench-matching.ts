import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { createApp } from '../app';
import { defaultTwinsFile } from '../bootstrap';
import { generate, vacuumAnalyze } from '../bench/generate';
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
    await generate(orm, { schools: SCHOOLS, perSchool: PER_SCHOOL });
    await vacuumAnalyze(orm);

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
