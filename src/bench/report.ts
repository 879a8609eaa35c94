import fs from 'node:fs';
import path from 'node:path';
import type { BenchData } from './data';
import { errorCount, type LoadResult } from './load';
import type { ServerName } from './servers';

export type Machine = {
  cpus: number;
  cpuModel: string;
  ramGb: number;
  os: string;
  node: string;
  postgres: string;
  loadAverageBefore: number[];
  loadAverageAfter: number[];
};

/** One server on one scenario: the counting pass and the load runs. */
export type TargetResult = {
  server: ServerName;
  statementsPerRequest: number;
  runs: (LoadResult & {
    rssPeakMb: number;
    cpuMsPerRequest: number;
    /** CPU of the whole machine (server, PostgreSQL, autocannon, anything else) per response; absent in older results. */
    machineCpuMsPerRequest?: number;
    /** 1-minute load average at the end of the run. */
    loadAverage: number;
  })[];
};

export type ScenarioResult = { id: number; name: string; title: string; targets: TargetResult[] };

export type BenchReport = {
  date: string;
  command: string;
  machine: Machine;
  data: BenchData;
  settings: { seconds: number; warmupSeconds: number; connections: number[]; logLevel: string; apiNodeArgs?: string[] };
  scenarios: ScenarioResult[];
  /** The API process: VmHWM at the end of the run (peak RSS since start). */
  oursPeakRssMb: number;
  targets: TargetCheck[];
  /** Set on a report of medians (src/bench/median.ts): the commands of the runs it was taken from. */
  medianOf?: string[];
};

export type TargetCheck = { scenario: number; what: string; value: string; met: boolean | null };

const SERVERS: ServerName[] = ['ours', 'postgraphile', 'raw'];
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

function run(s: ScenarioResult, server: ServerName, connections: number) {
  const target = s.targets.find((t) => t.server === server);
  return target && { target, run: target.runs.find((r) => r.connections === connections)! };
}

/** Targets of issue 6, checked on the figures of this run (at the largest connection count). */
export function checkTargets(scenarios: ScenarioResult[], connections: number[], oursPeakRssMb: number): TargetCheck[] {
  const top = Math.max(...connections);
  const checks: TargetCheck[] = [];
  for (const s of scenarios) {
    const ours = run(s, 'ours', top);
    const peer = run(s, 'postgraphile', top);
    if (!ours) continue;
    if ([2, 3, 4].includes(s.id)) {
      if (peer) {
        const ratio = ours.run.rps / peer.run.rps;
        checks.push({ scenario: s.id, what: `throughput ≥ 0.7× PostGraphile at ${top} connections`, value: `${fmt(ratio, 2)}×`, met: ratio >= 0.7 });
      }
      checks.push({ scenario: s.id, what: `p99 ≤ 100 ms at ${top} connections`, value: `${fmt(ours.run.p99Ms)} ms`, met: ours.run.requests > 0 && ours.run.p99Ms <= 100 });
    }
    if (s.id === 5) {
      checks.push({ scenario: 5, what: `p95 ≤ 100 ms at ${top} connections`, value: `${fmt(ours.run.p95Ms)} ms`, met: ours.run.requests > 0 && ours.run.p95Ms <= 100 });
    }
  }
  const errors = scenarios.flatMap((s) => s.targets.filter((t) => t.server === 'ours').flatMap((t) => t.runs)).reduce((n, r) => n + errorCount(r), 0);
  checks.push({ scenario: 0, what: 'zero errors (ours, all runs)', value: String(errors), met: errors === 0 });
  checks.push({ scenario: 0, what: 'API RSS ≤ 300 MB under load', value: `${fmt(oursPeakRssMb, 0)} MB`, met: oursPeakRssMb <= 300 });
  return checks;
}

/** The result as a Markdown page: machine, data, one table per connection count, ratios, targets. */
export function markdown(r: BenchReport): string {
  const m = r.machine;
  const lines: string[] = [
    `# Benchmark ${r.date}`,
    '',
    `Command: \`${r.command}\``,
    '',
    ...(r.medianOf
      ? [
          `Medians of ${r.medianOf.length} runs: ${r.medianOf.map((c) => `\`${c}\``).join(', ')}. Each figure of a cell is the median of that figure over the runs ` +
            '(ratios: of the median throughputs), but errors are summed over the runs and max ms is the largest; the API peak RSS over the whole run (VmHWM, below) is the largest of the runs.',
          '',
        ]
      : []),
    `Machine: ${m.cpus} × ${m.cpuModel}, ${fmt(m.ramGb, 0)} GB RAM, ${m.os}; Node ${m.node}; ${m.postgres} on the same host. ` +
      `Load average before ${m.loadAverageBefore.map((x) => fmt(x, 2)).join(' / ')}, after ${m.loadAverageAfter.map((x) => fmt(x, 2)).join(' / ')} ` +
      '(the cores are shared with other work; the server under test, PostgreSQL and autocannon all run on them).',
    '',
    `Data: ${r.data.towns} real towns, ${r.data.twinLinks} twin links, ${r.data.schools} schools, ${r.data.classes} classes, ` +
      `${r.data.classLanguages} class languages, ${r.data.pairings} pairings, ` +
      `${r.data.exchanges} exchanges (${r.data.visits} visits, ${r.data.goals} goals, ${r.data.evaluations} evaluations, ` +
      `${r.data.budgetLines} budget lines, ${r.data.fundingSources} funding sources).`,
    '',
    `Each cell: ${r.settings.warmupSeconds} s warm-up, then ${r.settings.seconds} s of autocannon (closed loop, keep-alive) with a different id on each request. ` +
      `ours = \`${['node', ...(r.settings.apiNodeArgs ?? []), 'dist/src/server.js'].join(' ')}\` with NODE_ENV=production, LOG_LEVEL=${r.settings.logLevel}, an admin token; ` +
      'postgraphile = PostGraphile 4 (bench/peers/postgraphile); raw = node:http + pg + hand-written SQL (bench/peers/raw). ' +
      'SQL/req: statements sent by the server\'s pg clients (BEGIN/COMMIT included), over a sequential counting pass. ' +
      'CPU ms/req: user + system CPU time of the server process during the run, per response (PostgreSQL\'s own time not included); ' +
      'machine CPU ms/req: CPU time of the whole machine during the run (every core, every process: the server, PostgreSQL, autocannon and anything else), per response; ' +
      'less sensitive than req/s to other load on the machine. RSS: the largest VmRSS sampled every 100 ms during the run. ' +
      'load: the 1-minute load average at the end of the run, the bench\'s own processes (server, PostgreSQL, autocannon) included; ' +
      'well above 2–3 means other work shared the two cores.',
    '',
  ];
  for (const c of r.settings.connections) {
    lines.push(`## ${c} connections`, '');
    lines.push('| # | scenario | server | req/s | p50 ms | p95 ms | p99 ms | SQL/req | CPU ms/req | machine CPU ms/req | errors | RSS MB | load | ours ÷ PostGraphile | ours ÷ raw |');
    lines.push('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const s of r.scenarios) {
      const ours = run(s, 'ours', c);
      for (const server of SERVERS) {
        const cell = run(s, server, c);
        if (!cell) continue;
        const x = cell.run;
        const ratio = (peer: ServerName) => {
          const other = run(s, peer, c);
          return server === 'ours' && ours && other ? `${fmt(ours.run.rps / other.run.rps, 2)}×` : '';
        };
        lines.push(
          `| ${s.id} | ${s.title} | ${server} | ${fmt(x.rps, 0)} | ${fmt(x.p50Ms)} | ${fmt(x.p95Ms)} | ${fmt(x.p99Ms)} | ` +
            `${fmt(cell.target.statementsPerRequest, 2)} | ${fmt(x.cpuMsPerRequest, 2)} | ${x.machineCpuMsPerRequest === undefined ? '–' : fmt(x.machineCpuMsPerRequest, 2)} | ${errorCount(x)} | ${fmt(x.rssPeakMb, 0)} | ${fmt(x.loadAverage, 1)} | ${ratio('postgraphile')} | ${ratio('raw')} |`,
        );
      }
    }
    lines.push('');
  }
  lines.push('Ratios are of throughput (req/s); above 1 means ours serves more.', '');
  lines.push(`API peak RSS over the whole run (VmHWM)${r.medianOf ? ', the largest of the runs' : ''}: ${fmt(r.oursPeakRssMb, 0)} MB.`, '');
  lines.push('## Targets (issue 6)', '', `| scenario | target | ${r.medianOf ? 'medians' : 'this run'} | met |`, '|---|---|---:|---|');
  for (const t of r.targets) lines.push(`| ${t.scenario || 'all'} | ${t.what} | ${t.value} | ${t.met === null ? '–' : t.met ? 'yes' : '**no**'} |`);
  lines.push('');
  return lines.join('\n');
}

/**
 * Writes `page` and the report's JSON to bench/results/<date>-<name>.md and
 * .json, prints the page, and returns the files' base path (relative).
 */
export function writeResult(report: BenchReport, name: string, page: string): string {
  const dir = path.resolve('bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `${report.date.slice(0, 10)}-${name}`);
  fs.writeFileSync(`${base}.md`, page);
  fs.writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  const relative = path.relative(process.cwd(), base);
  process.stdout.write(`\n${page}\nwritten: ${relative}.md and .json\n`);
  return relative;
}
