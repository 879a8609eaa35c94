import { checkTargets, type BenchReport, type ScenarioResult, type TargetResult } from './report';

type Run = TargetResult['runs'][number];

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function medianRun(runs: Run[]): Run {
  const of = (pick: (r: Run) => number) => median(runs.map(pick));
  const machine = runs.map((r) => r.machineCpuMsPerRequest).filter((x): x is number => x !== undefined);
  const first = runs[0]!;
  return {
    connections: first.connections,
    seconds: of((r) => r.seconds),
    requests: of((r) => r.requests),
    rps: of((r) => r.rps),
    p50Ms: of((r) => r.p50Ms),
    p95Ms: of((r) => r.p95Ms),
    p99Ms: of((r) => r.p99Ms),
    maxMs: Math.max(...runs.map((r) => r.maxMs)),
    // Errors are summed, not a median: one failing run is a failure.
    errors: {
      non2xx: runs.reduce((n, r) => n + r.errors.non2xx, 0),
      socket: runs.reduce((n, r) => n + r.errors.socket, 0),
      timeouts: runs.reduce((n, r) => n + r.errors.timeouts, 0),
      graphql: runs.reduce((n, r) => n + r.errors.graphql, 0),
    },
    nextOffset: Math.max(...runs.map((r) => r.nextOffset)),
    ...(runs.some((r) => r.failures?.length) ? { failures: runs.flatMap((r) => r.failures ?? []).slice(0, 3) } : {}),
    rssPeakMb: of((r) => r.rssPeakMb),
    cpuMsPerRequest: of((r) => r.cpuMsPerRequest),
    ...(machine.length === runs.length ? { machineCpuMsPerRequest: median(machine) } : {}),
    loadAverage: of((r) => r.loadAverage),
  };
}

/** The cells of a report, as "scenario/server/connections" keys: what a run measured. */
function cellsOf(r: BenchReport): string[] {
  return r.scenarios.flatMap((s) => s.targets.flatMap((t) => t.runs.map((run) => `${s.id}/${t.server}/${run.connections}`))).sort();
}

/**
 * Several bench reports of the same command as one: each figure of a cell
 * (scenario, server, connection count) is the median of the runs' figures,
 * but for errors (summed: one failing run is a failure), the slowest
 * response (maxMs, the largest) and a run's failing bodies (the first three
 * of all). The API's peak RSS over the whole run (VmHWM) is the largest of
 * the runs; machine CPU per request is left out when a run lacks it. The
 * targets are checked on the medians, so ratios are of median throughputs.
 * The reports must have the same settings, data set and cells (scenarios,
 * servers and connection counts): otherwise this throws, rather than
 * dropping a run's cell and perhaps its errors. The runs are taken in the
 * order of their dates.
 */
export function medianReport(reports: BenchReport[], command: string): BenchReport {
  if (reports.length === 0) throw new Error('no reports to take the median of');
  const sorted = [...reports].sort((a, b) => a.date.localeCompare(b.date));
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const same = (what: string, of: (r: BenchReport) => unknown) => {
    const expected = JSON.stringify(of(first));
    for (const r of sorted) {
      if (JSON.stringify(of(r)) !== expected) throw new Error(`reports differ in ${what}: ${r.command} against ${first.command}`);
    }
  };
  same('settings', (r) => r.settings);
  same('data', (r) => r.data);
  same('scenarios, servers or connection counts', cellsOf);

  const scenarios: ScenarioResult[] = first.scenarios.map((s) => ({
    id: s.id,
    name: s.name,
    title: s.title,
    targets: s.targets.map((t) => {
      const of = sorted.map((r) => r.scenarios.find((x) => x.id === s.id)!.targets.find((y) => y.server === t.server)!);
      return {
        server: t.server,
        statementsPerRequest: median(of.map((y) => y.statementsPerRequest)),
        runs: t.runs.map((run) => medianRun(of.map((y) => y.runs.find((r) => r.connections === run.connections)!))),
      };
    }),
  }));
  const oursPeakRssMb = Math.max(...sorted.map((r) => r.oursPeakRssMb));
  return {
    date: last.date,
    command,
    machine: { ...first.machine, loadAverageAfter: last.machine.loadAverageAfter },
    data: first.data,
    settings: first.settings,
    scenarios,
    oursPeakRssMb,
    targets: checkTargets(scenarios, first.settings.connections, oursPeakRssMb),
    medianOf: sorted.map((r) => r.command),
  };
}
