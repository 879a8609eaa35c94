import autocannon from 'autocannon';

export type LoadResult = {
  connections: number;
  seconds: number;
  requests: number;
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Non-2xx responses, socket errors and timeouts, and 2xx responses carrying GraphQL `errors`. */
  errors: { non2xx: number; socket: number; timeouts: number; graphql: number };
  /** The index after the last body sent (a later run that must not repeat a body starts there). */
  nextOffset: number;
  /** Up to three failing response bodies (first 300 characters), to tell what went wrong. */
  failures?: string[];
};

export type LoadOptions = {
  url: string;
  headers: Record<string, string>;
  /** Request bodies, used in turn from `offset` (varied ids on every request). */
  bodies: string[];
  offset: number;
  connections: number;
  seconds: number;
  /** Whether a 2xx body is a success; default: no GraphQL "errors" member. */
  verify?: (body: string) => boolean;
};

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * Drives one server with autocannon for `seconds` at `connections` (closed
 * loop: each connection sends its next request when the last one is
 * answered). Every response time is kept, so p95 is exact (autocannon's own
 * summary has p90 and p97.5 but no p95); a response counts as an error when
 * it is not 2xx or its body fails `verify` (by default: has a GraphQL
 * "errors" member).
 */
export async function drive(opts: LoadOptions): Promise<LoadResult> {
  let next = opts.offset;
  const times: number[] = [];
  const failures: string[] = [];
  const verify = opts.verify ?? ((body: string) => !body.includes('"errors":'));
  const instance = autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    timeout: 30,
    headers: { 'content-type': 'application/json', ...opts.headers },
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => ({ ...req, body: opts.bodies[next++ % opts.bodies.length] }),
      },
    ],
    verifyBody: (body) => {
      const ok = verify(body);
      if (!ok && failures.length < 3) failures.push(body.slice(0, 300));
      return ok;
    },
    renderProgressBar: false,
    renderResultsTable: false,
    renderLatencyTable: false,
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
    times.push(ms);
  });
  const result = await instance;
  const sorted = Float64Array.from(times).sort();
  return {
    connections: opts.connections,
    seconds: result.duration,
    requests: times.length,
    rps: round(times.length / result.duration),
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
    errors: { non2xx: result.non2xx, socket: result.errors, timeouts: result.timeouts, graphql: result.mismatches },
    nextOffset: next,
    ...(failures.length ? { failures } : {}),
  };
}

export function errorCount(r: LoadResult): number {
  return r.errors.non2xx + r.errors.socket + r.errors.timeouts + r.errors.graphql;
}
