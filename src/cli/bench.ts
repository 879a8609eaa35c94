import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { loadConfigOrExit } from '../config';
import type { Orm } from '../db';
import { dropDatabase, prepareBenchData } from '../bench/data';
import { drive, errorCount } from '../bench/load';
import { summariseProfile } from '../bench/profile';
import { checkTargets, markdown, writeResult, type BenchReport, type ScenarioResult, type TargetResult } from '../bench/report';
import { buildSamples, buildWriteSamples, scenarios as allScenarios, WRITE_LABEL, type Scenario, type Target } from '../bench/scenarios';
import { machineCpuMs, sampleRss, startServer, waitForIdleDatabase, type BenchServer, type ServerName } from '../bench/servers';
import { createTokenFromCli } from '../modules/auth/token-cli';

/**
 * How the API runs in production (README, "Production settings"): a heap cap
 * keeps its RSS under load near 175 MB instead of 281–326 MB, at 30–60%
 * more CPU per request (bench/results/2026-11-28-bench-heap-*.md and
 * 2026-11-29-bench-semi-*.md);
 * a 32 MB semi-space takes back about half of that CPU, as fewer short-lived
 * request objects survive into the capped old space, for an RSS near 210–220
 * MB (bench/results/2026-11-29-bench-semi-*.md).
 */
const PRODUCTION_NODE_ARGS = ['--max-old-space-size=256', '--max-semi-space-size=32'];

const USAGE = `npm run bench [-- options]

Generates the bench data set in PostgreSQL (once), starts the API in
production mode, PostGraphile 4 and a raw pg baseline on it, and drives each
with autocannon. Writes bench/results/<date>-bench[-label].md and .json.

  --quick               5 s runs, 2 s warm-up, 50 connections only (development)
  --seconds N           measured seconds per run (default 20)
  --warmup N            warm-up seconds per run (default 5)
  --connections 10,50   connection counts (default 10,50)
  --scenarios 1,2,3,4,5,6  scenarios to run (default all; 6, the write mix, runs last
                        and its rows are deleted afterwards)
  --no-peers            the API only
  --fresh               drop the bench database first (after a migration changed it)
  --profile             run the API under node --cpu-prof and print its hot spots
  --api-node-args "A B" Node.js options for the API process (default: the production
                        heap settings, "${PRODUCTION_NODE_ARGS.join(' ')}"; "" for none)
  --label L             suffix of the result files (default: none, "quick" with --quick)

Database: BENCH_HTTP_DATABASE_URL, default postgres://root@127.0.0.1:5432/twx_bench6.`;

const PORTS: Record<ServerName, number> = { ours: 4101, postgraphile: 4102, raw: 4103 };
const SAMPLES = 4000;
/** Scenario 6: every body is used once (a repeated pairing would be a DUPLICATE), so enough for the longest run. */
const WRITE_SAMPLES = 45_000;
const COUNTING_REQUESTS = 50;

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      scenarios: { type: 'string' },
      'no-peers': { type: 'boolean' },
      fresh: { type: 'boolean' },
      profile: { type: 'boolean' },
      'api-node-args': { type: 'string' },
      label: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const list = (v: string | undefined, d: number[]) => (v ? v.split(',').map((x) => Number(x.trim())) : d);
  return {
    seconds: Number(values.seconds ?? (values.quick ? 5 : 20)),
    warmup: Number(values.warmup ?? (values.quick ? 2 : 5)),
    connections: list(values.connections, values.quick ? [50] : [10, 50]),
    scenarios: list(values.scenarios, [1, 2, 3, 4, 5, 6]),
    peers: !values['no-peers'],
    fresh: !!values.fresh,
    profile: !!values.profile,
    apiNodeArgs: values['api-node-args']?.split(/\s+/).filter(Boolean) ?? PRODUCTION_NODE_ARGS,
    label: values.label ?? (values.quick ? 'quick' : undefined),
  };
}

/** PostGraphile lives in its own package (graphql 15); installed from its lock file when missing or stale. */
function installPostgraphile(): void {
  const dir = path.resolve('bench', 'peers', 'postgraphile');
  const installed = path.join(dir, 'node_modules', '.package-lock.json');
  const lock = path.join(dir, 'package-lock.json');
  if (fs.existsSync(installed) && fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  process.stdout.write('installing PostGraphile 4 into bench/peers/postgraphile (npm ci)…\n');
  execFileSync('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' });
}

async function post(server: BenchServer, target: Target, body: string, headers: Record<string, string>) {
  const res = await fetch(`${server.url}${target.path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  const json = JSON.parse(text) as { data?: unknown; errors?: unknown };
  if (!res.ok || json.errors || (target.ok && !target.ok(text))) throw new Error(`${server.name}: HTTP ${res.status} ${text.slice(0, 500)}`);
  return json.data;
}

async function main() {
  const opts = options();
  const config = loadConfigOrExit();
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const loadBefore = os.loadavg();
  const url = new URL(process.env.BENCH_HTTP_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/twx_bench6');
  if (opts.fresh) await dropDatabase(url);
  const { orm, data } = await prepareBenchData(url, config, { schools: 20_000, perSchool: 5 });
  let token: string;
  let samples: Awaited<ReturnType<typeof buildSamples>>;
  let writeSamples: typeof samples = [];
  let postgres: string;
  /** Highest ids before the write mix: what it adds is deleted afterwards. */
  let before: Record<'school_class' | 'language_pairing' | 'budget_line' | 'exchange_event', number> | undefined;
  try {
    ({ token } = await createTokenFromCli(orm.em.fork() as EntityManager, {
      user: 'bench-http@example.org',
      create: true,
      name: 'HTTP bench',
      admin: true,
      label: 'npm run bench',
      expiresInDays: 1,
    }));
    samples = await buildSamples(orm, SAMPLES, 6);
    if (opts.scenarios.includes(6)) {
      writeSamples = await buildWriteSamples(orm, samples, WRITE_SAMPLES, 6);
      before = await maxIds(orm);
    }
    const [row] = await orm.em.getConnection().execute<{ v: string }[]>(`select current_setting('server_version') as v`);
    postgres = `PostgreSQL ${row!.v}`;
  } finally {
    await orm.close();
  }

  const scenarios = allScenarios().filter((s) => opts.scenarios.includes(s.id));
  const wanted = new Set<ServerName>(['ours', ...(opts.peers ? (['postgraphile', 'raw'] as const) : [])]);
  if (wanted.has('postgraphile')) installPostgraphile();

  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twx-bench-'));
  const profileDir = path.join(logDir, 'profile');
  const dbEnv = { DATABASE_URL: url.toString() };
  const servers = new Map<ServerName, BenchServer>();
  const stopAll = () => Promise.all([...servers.values()].map((s) => s.stop()));
  process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
  let oursPeakRssMb = 0;
  const results: ScenarioResult[] = [];
  try {
    servers.set(
      'ours',
      await startServer({
        name: 'ours',
        script: path.resolve('dist', 'src', 'server.js'),
        port: PORTS.ours,
        logFile: path.join(logDir, 'ours.log'),
        nodeArgs: [...opts.apiNodeArgs, ...(opts.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])],
        env: {
          ...dbEnv,
          NODE_ENV: 'production',
          HOST: '127.0.0.1',
          AUTO_SEED: 'false',
          LOG_LEVEL: 'warn',
          // Every request is one caller (the bench's admin token): the hourly budget would stop it within a minute.
          COST_BUDGET_PER_HOUR: String(1e12),
        },
      }),
    );
    if (wanted.has('postgraphile')) {
      servers.set(
        'postgraphile',
        await startServer({
          name: 'postgraphile',
          script: path.resolve('bench', 'peers', 'postgraphile', 'server.js'),
          port: PORTS.postgraphile,
          logFile: path.join(logDir, 'postgraphile.log'),
          env: dbEnv,
        }),
      );
    }
    if (wanted.has('raw')) {
      servers.set(
        'raw',
        await startServer({ name: 'raw', script: path.resolve('bench', 'peers', 'raw', 'server.js'), port: PORTS.raw, logFile: path.join(logDir, 'raw.log'), env: dbEnv }),
      );
    }
    process.stdout.write(`servers up (logs in ${logDir}); ${opts.seconds} s per run after ${opts.warmup} s warm-up, connections ${opts.connections.join(', ')}\n`);
    const headersOf = (name: ServerName): Record<string, string> => (name === 'ours' ? { authorization: `Bearer ${token}` } : {});

    for (const scenario of scenarios) {
      try {
        results.push(await runScenario(scenario, servers, headersOf, scenario.writes ? writeSamples : samples, opts, url));
      } finally {
        if (scenario.writes && before) await removeWrites(url, before);
      }
    }
    oursPeakRssMb = servers.get('ours')!.memory().peakMb;
  } finally {
    await stopAll();
  }

  const report: BenchReport = {
    date: new Date().toISOString(),
    command,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      ramGb: os.totalmem() / 1024 ** 3,
      os: `${os.type()} ${os.release()}`,
      node: process.version,
      postgres,
      loadAverageBefore: loadBefore,
      loadAverageAfter: os.loadavg(),
    },
    data,
    settings: { seconds: opts.seconds, warmupSeconds: opts.warmup, connections: opts.connections, logLevel: 'warn', apiNodeArgs: opts.apiNodeArgs },
    scenarios: results,
    oursPeakRssMb,
    targets: checkTargets(results, opts.connections, oursPeakRssMb),
  };
  // The profile's summary goes into the result page, so the figures quoted from it stay with the run.
  const profiles = opts.profile && fs.existsSync(profileDir) ? fs.readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')) : [];
  const summaries = profiles.map((f) => `CPU profile of the API (${f}):\n${summariseProfile(path.join(profileDir, f))}`);
  const page = markdown(report) + summaries.map((s) => `\n## CPU profile\n\n\`\`\`\n${s}\n\`\`\`\n`).join('');
  writeResult(report, `bench${opts.label ? `-${opts.label}` : ''}`, page);
  for (const f of profiles) process.stdout.write(`\nCPU profile of the API: ${path.join(profileDir, f)}\n`);
  const failed = results.flatMap((s) => s.targets.flatMap((t) => t.runs)).some((r) => errorCount(r) > 0);
  if (failed) {
    process.stderr.write('errors during the runs (see the errors column)\n');
    process.exitCode = 1;
  }
}

async function maxIds(orm: Orm) {
  const [row] = await orm.em.getConnection().execute<{ c: number; p: number; l: number; e: number }[]>(
    `select (select coalesce(max(id), 0) from school_class)::int as c, (select coalesce(max(id), 0) from language_pairing)::int as p,
            (select coalesce(max(id), 0) from budget_line)::int as l, (select coalesce(max(id), 0) from exchange_event)::int as e`,
  );
  return { school_class: row!.c, language_pairing: row!.p, budget_line: row!.l, exchange_event: row!.e };
}

/**
 * Deletes what the write mix added (pairings, budget lines with their
 * timeline events, classes with their languages), so later runs sample
 * the same reads and find the same unpaired pairs.
 */
async function removeWrites(url: URL, before: Awaited<ReturnType<typeof maxIds>>): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query('begin');
    await client.query('delete from language_pairing where id > $1', [before.language_pairing]);
    await client.query('delete from budget_line where id > $1', [before.budget_line]);
    await client.query('delete from exchange_event where id > $1', [before.exchange_event]);
    for (const table of ['class_language', 'availability_window', 'class_teacher']) {
      await client.query(`delete from ${table} where class_id > $1`, [before.school_class]);
    }
    const { rowCount } = await client.query(`delete from school_class where id > $1 and label like $2`, [before.school_class, `${WRITE_LABEL}%`]);
    await client.query('commit');
    process.stdout.write(`  removed the write mix's rows (${rowCount} classes and their pairings, budget lines, events)\n`);
  } catch (err) {
    await client.query('rollback');
    process.stderr.write(`could not remove the write mix's rows (later runs still work, the data set grows): ${String(err)}\n`);
  } finally {
    await client.end();
  }
}

/**
 * One scenario: a sequential counting pass per server (statements per
 * request, and a check that every server returns the same data), then for
 * each connection count a warm-up and a measured run per server, in turn.
 */
async function runScenario(
  scenario: Scenario,
  servers: Map<ServerName, BenchServer>,
  headersOf: (name: ServerName) => Record<string, string>,
  samples: Awaited<ReturnType<typeof buildSamples>>,
  opts: ReturnType<typeof options>,
  databaseUrl: URL,
): Promise<ScenarioResult> {
  const entries = (Object.entries(scenario.targets) as [ServerName, Target][]).filter(([name]) => servers.has(name));
  const bodies = new Map(entries.map(([name, target]) => [name, samples.map((s) => JSON.stringify(target.body(s)))]));
  const results: TargetResult[] = [];
  let reference: { server: ServerName; digests: string[] } | undefined;
  for (const [name, target] of entries) {
    const server = servers.get(name)!;
    const list = bodies.get(name)!;
    const before = await server.statements();
    const digests: string[] = [];
    for (let i = 0; i < COUNTING_REQUESTS; i++) {
      digests.push(JSON.stringify(target.digest(await post(server, target, list[i]!, headersOf(name)))));
    }
    const statementsPerRequest = ((await server.statements()) - before) / COUNTING_REQUESTS;
    if (scenario.writes) {
      const failed = digests.findIndex((d) => d !== '0');
      if (failed >= 0) throw new Error(`scenario ${scenario.id}: write ${failed} has user errors`);
    } else if (!reference) {
      reference = { server: name, digests };
    } else {
      const differs = digests.findIndex((d, i) => d !== reference!.digests[i]);
      if (differs >= 0) {
        throw new Error(
          `scenario ${scenario.id}: ${name} and ${reference.server} disagree on request ${differs}:\n  ${reference.server}: ${reference.digests[differs]}\n  ${name}: ${digests[differs]}`,
        );
      }
    }
    results.push({ server: name, statementsPerRequest, runs: [] });
  }
  process.stdout.write(
    `\nscenario ${scenario.id} (${scenario.title}): ${scenario.writes ? 'no user errors in' : 'same data from'} ${entries.map(([n]) => n).join(', ')} on ${COUNTING_REQUESTS} requests; SQL/req ${results
      .map((r) => `${r.server} ${r.statementsPerRequest.toFixed(2)}`)
      .join(', ')}\n`,
  );
  let offset = COUNTING_REQUESTS;
  for (const connections of opts.connections) {
    for (const result of results) {
      const server = servers.get(result.server)!;
      const target = scenario.targets[result.server]!;
      const common = {
        url: `${server.url}${target.path}`,
        headers: headersOf(result.server),
        bodies: bodies.get(result.server)!,
        connections,
        ...(target.ok ? { verify: target.ok } : {}),
      };
      const warm = await drive({ ...common, offset, seconds: opts.warmup });
      await waitForIdleDatabase(databaseUrl);
      const rss = sampleRss(server);
      const cpuBefore = server.cpuMs();
      const machineBefore = machineCpuMs();
      // Writes go on after the last body the warm-up sent (some were still unanswered when it stopped).
      const run = await drive({ ...common, offset: scenario.writes ? warm.nextOffset : offset + warm.requests, seconds: opts.seconds });
      const cpuMsPerRequest = run.requests ? (server.cpuMs() - cpuBefore) / run.requests : 0;
      const machineCpuMsPerRequest = run.requests ? (machineCpuMs() - machineBefore) / run.requests : 0;
      const rssPeakMb = rss.stop();
      await waitForIdleDatabase(databaseUrl);
      result.runs.push({ ...run, rssPeakMb, cpuMsPerRequest, machineCpuMsPerRequest, loadAverage: os.loadavg()[0]! });
      // Writes: the next run goes on after the last body sent, so no body is sent twice.
      if (scenario.writes) {
        offset = run.nextOffset;
        if (offset > bodies.get(result.server)!.length) throw new Error(`scenario ${scenario.id}: more than ${bodies.get(result.server)!.length} writes; raise WRITE_SAMPLES`);
      }
      const errors = errorCount(warm) + errorCount(run);
      process.stdout.write(
        `  ${String(connections).padStart(3)} conn  ${result.server.padEnd(12)} ${run.rps.toFixed(0).padStart(6)} req/s  p50 ${run.p50Ms} ms  p95 ${run.p95Ms} ms  p99 ${run.p99Ms} ms  CPU ${cpuMsPerRequest.toFixed(2)} ms/req (machine ${machineCpuMsPerRequest.toFixed(2)})  RSS ${rssPeakMb.toFixed(0)} MB${errors ? `  ERRORS ${errors} ${JSON.stringify(run.errors)} ${JSON.stringify([...(warm.failures ?? []), ...(run.failures ?? [])].slice(0, 3))}` : ''}\n`,
      );
    }
    if (!scenario.writes) offset += 1000;
  }
  return { id: scenario.id, name: scenario.name, title: scenario.title, targets: results };
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
