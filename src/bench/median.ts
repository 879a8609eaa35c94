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
    rssPeakMb: of((r) => r.rssPeakMb),
    cpuMsPerRequest: of((r) => r.cpuMsPerRequest),
    ...(machine.length === runs.length ? { machineCpuMsPerRequest: median(machine) } : {}),
    loadAverage: of((r) => r.loadAverage),
  };
}

/**
 * Several bench reports of the same command as one: each cell (scenario,
 * server, connection count) is the median of the runs' figures, errors are
 * summed, and the API's peak RSS is the largest of the runs. The targets are
 * checked on those medians, so ratios are of median throughputs. Only cells
 * present in every report are kept; the reports must share their settings.
 */
export function medianReport(reports: BenchReport[], command: string): BenchReport {
  if (reports.length === 0) throw new Error('no reports to take the median of');
  const [first] = reports as [BenchReport, ...BenchReport[]];
  const settings = JSON.stringify(first.settings);
  for (const r of reports) {
    if (JSON.stringify(r.settings) !== settings) throw new Error(`reports differ in settings: ${r.command} against ${first.command}`);
  }
  const scenarios: ScenarioResult[] = [];
  for (const s of first.scenarios) {
    const matching = reports.map((r) => r.scenarios.find((x) => x.id === s.id));
    if (matching.some((x) => !x)) continue;
    const targets: TargetResult[] = [];
    for (const t of s.targets) {
      const same = matching.map((x) => x!.targets.find((y) => y.server === t.server));
      if (same.some((y) => !y)) continue;
      const runs = t.runs.flatMap((run) => {
        const cells = same.map((y) => y!.runs.find((r) => r.connections === run.connections));
        return cells.every((c) => c) ? [medianRun(cells as Run[])] : [];
      });
      targets.push({ server: t.server, statementsPerRequest: median(same.map((y) => y!.statementsPerRequest)), runs });
    }
    scenarios.push({ id: s.id, name: s.name, title: s.title, targets });
  }
  const last = reports[reports.length - 1]!;
  const oursPeakRssMb = Math.max(...reports.map((r) => r.oursPeakRssMb));
  return {
    date: last.date,
    command,
    machine: { ...first.machine, loadAverageAfter: last.machine.loadAverageAfter },
    data: first.data,
    settings: first.settings,
    scenarios,
    oursPeakRssMb,
    targets: checkTargets(scenarios, first.settings.connections, oursPeakRssMb),
    medianOf: reports.map((r) => r.command),
  };
}
