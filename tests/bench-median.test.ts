import { median, medianReport } from '../src/bench/median';
import { markdown, type BenchReport, type TargetResult } from '../src/bench/report';

type Run = TargetResult['runs'][number];

function run(connections: number, rps: number, p99Ms: number, extra: Partial<Run> = {}): Run {
  return {
    connections,
    seconds: 20,
    requests: rps * 20,
    rps,
    p50Ms: p99Ms / 2,
    p95Ms: p99Ms * 0.9,
    p99Ms,
    maxMs: p99Ms * 2,
    errors: { non2xx: 0, socket: 0, timeouts: 0, graphql: 0 },
    nextOffset: rps * 25,
    rssPeakMb: 200,
    cpuMsPerRequest: 1,
    machineCpuMsPerRequest: 2,
    loadAverage: 3,
    ...extra,
  };
}

/** A report with scenario 2 (ours and PostGraphile) and scenario 5 (ours), at 50 connections. */
function report(label: string, ours2: Run, peer2: Run, ours5: Run, oursPeakRssMb: number): BenchReport {
  return {
    date: `2026-11-29T0${label}:00:00.000Z`,
    command: `npm run bench -- --label run-${label}`,
    machine: { cpus: 2, cpuModel: 'test', ramGb: 24, os: 'Linux', node: 'v20', postgres: 'PostgreSQL 15', loadAverageBefore: [Number(label), 0, 0], loadAverageAfter: [Number(label), 1, 1] },
    data: { towns: 1, twinLinks: 1, schools: 1, classes: 1, classLanguages: 1, pairings: 1, exchanges: 1, visits: 1, goals: 1, evaluations: 1, budgetLines: 1, fundingSources: 1 },
    settings: { seconds: 20, warmupSeconds: 5, connections: [50], logLevel: 'warn', apiNodeArgs: ['--max-old-space-size=256'] },
    scenarios: [
      {
        id: 2,
        name: 'classes',
        title: '50 classes',
        targets: [
          { server: 'ours', statementsPerRequest: 1.04, runs: [ours2] },
          { server: 'postgraphile', statementsPerRequest: 1, runs: [peer2] },
        ],
      },
      { id: 5, name: 'suggestions', title: 'partnerSuggestions', targets: [{ server: 'ours', statementsPerRequest: 5, runs: [ours5] }] },
    ],
    oursPeakRssMb,
    targets: [],
  };
}

describe('bench medians (npm run bench:median)', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([10, 1, 4, 2])).toBe(3);
    expect(median([])).toBeNaN();
  });

  it('takes each figure of a cell as its median over the runs, sums errors and keeps the largest peak RSS', () => {
    const reports = [
      report('1', run(50, 500, 150), run(50, 90, 800), run(50, 80, 700), 210),
      report('2', run(50, 700, 90, { errors: { non2xx: 0, socket: 0, timeouts: 1, graphql: 0 } }), run(50, 100, 700), run(50, 95, 90, { errors: { non2xx: 0, socket: 0, timeouts: 2, graphql: 0 } }), 260),
      report('3', run(50, 600, 110), run(50, 80, 900), run(50, 90, 95, { errors: { non2xx: 2, socket: 0, timeouts: 1, graphql: 0 } }), 220),
    ];
    // Given out of order: the runs are taken in the order of their dates.
    const m = medianReport([reports[2]!, reports[0]!, reports[1]!], 'npm run bench:median -- a b c');
    const ours2 = m.scenarios[0]!.targets.find((t) => t.server === 'ours')!.runs[0]!;
    expect(ours2.rps).toBe(600);
    expect(ours2.p99Ms).toBe(110);
    expect(ours2.errors).toEqual({ non2xx: 0, socket: 0, timeouts: 1, graphql: 0 });
    expect(ours2.maxMs).toBe(300);
    const ours5 = m.scenarios[1]!.targets[0]!.runs[0]!;
    expect(ours5.errors).toEqual({ non2xx: 2, socket: 0, timeouts: 3, graphql: 0 });
    expect(m.oursPeakRssMb).toBe(260);
    expect(m.medianOf).toEqual(reports.map((r) => r.command));
    expect(m.machine.loadAverageBefore[0]).toBe(1);
    expect(m.machine.loadAverageAfter[0]).toBe(3);

    // Targets on the medians: 600 ÷ 90 = 6.67×; p99 110 ms misses; scenario 5's p95 is the median of 630, 81, 85.5.
    const target = (scenario: number, what: string) => m.targets.find((t) => t.scenario === scenario && t.what.startsWith(what))!;
    expect(target(2, 'throughput')).toMatchObject({ value: '6.67×', met: true });
    expect(target(2, 'p99')).toMatchObject({ value: '110.0 ms', met: false });
    expect(target(5, 'p95')).toMatchObject({ value: '85.5 ms', met: true });
    expect(target(0, 'zero errors')).toMatchObject({ value: '6', met: false });
    expect(target(0, 'API RSS')).toMatchObject({ value: '260 MB', met: true });

    const page = markdown(m);
    expect(page).toContain('Medians of 3 runs: `npm run bench -- --label run-1`, `npm run bench -- --label run-2`, `npm run bench -- --label run-3`.');
    expect(page).toContain('| scenario | target | medians | met |');
  });

  it('takes the mean of the middle two of an even number of runs', () => {
    const m = medianReport(
      [report('1', run(50, 500, 150), run(50, 90, 800), run(50, 80, 700), 210), report('2', run(50, 700, 90), run(50, 110, 700), run(50, 95, 90), 260)],
      'x',
    );
    const ours2 = m.scenarios[0]!.targets.find((t) => t.server === 'ours')!.runs[0]!;
    expect(ours2.rps).toBe(600);
    expect(ours2.p99Ms).toBe(120);
    expect(m.targets.find((t) => t.scenario === 2 && t.what.startsWith('throughput'))!.value).toBe('6.00×');
  });

  it('refuses a run that lacks a cell of the others, rather than dropping the cell and its errors', () => {
    const a = report('1', run(50, 500, 150), run(50, 90, 800), run(50, 80, 700), 210);
    const b = report('2', run(50, 500, 150), run(50, 90, 800), run(50, 80, 700, { errors: { non2xx: 5, socket: 0, timeouts: 0, graphql: 0 } }), 210);
    a.scenarios = a.scenarios.filter((s) => s.id !== 5);
    expect(() => medianReport([a, b], 'x')).toThrow(/differ in scenarios, servers or connection counts/);
    const c = report('3', run(50, 500, 150), run(50, 90, 800), run(50, 80, 700), 210);
    c.scenarios[0]!.targets[1]!.runs = [];
    expect(() => medianReport([b, c], 'x')).toThrow(/differ in scenarios, servers or connection counts/);
  });

  it('refuses reports of different data sets', () => {
    const a = report('1', run(50, 500, 150), run(50, 90, 800), run(50, 80, 700), 210);
    const b = report('2', run(50, 500, 150), run(50, 90, 800), run(50, 80, 700), 210);
    b.data = { ...b.data, classes: 2 };
    expect(() => medianReport([a, b], 'x')).toThrow(/differ in data/);
  });

  it('refuses reports of different settings', () => {
    const a = report('1', run(50, 500, 150), run(50, 90, 800), run(50, 80, 700), 210);
    const b = report('2', run(50, 500, 150), run(50, 90, 800), run(50, 80, 700), 210);
    b.settings = { ...b.settings, apiNodeArgs: [] };
    expect(() => medianReport([a, b], 'x')).toThrow(/differ in settings/);
  });
});
