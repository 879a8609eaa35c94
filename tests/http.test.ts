import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp, type App } from '../src/app';
import { ConfigError, loadConfig } from '../src/config';
import type { Orm } from '../src/db';
import { createTestOrm } from './helpers/db';
import { insertTowns } from './fixtures/towns';

async function serve(env: Record<string, string>) {
  const orm = await createTestOrm();
  await insertTowns(orm);
  const app = await createApp({ config: loadConfig({ NODE_ENV: 'test', ...env }), orm, logger: pino({ level: 'silent' }) });
  const server = http.createServer((req, res) => void app.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { orm, app, server, base };
}

async function stop(s: { orm: Orm; app: App; server: http.Server }) {
  await new Promise((resolve) => s.server.close(resolve));
  await s.app.stop();
  await s.orm.close();
}

describe('HTTP', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    s = await serve({});
  });
  afterAll(() => stop(s));

  it('answers health and readiness probes', async () => {
    const health = await fetch(`${s.base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${s.base}/readyz`);
    expect(ready.status).toBe(200);
    expect((await fetch(`${s.base}/nope`)).status).toBe(404);
  });

  it('serves GraphQL over POST with a request id', async () => {
    const res = await fetch(`${s.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'abc-123' },
      body: JSON.stringify({ query: '{ towns(first: 2, filter: {country: "SE"}) { totalCount edges { node { name } } } }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    const body = (await res.json()) as { data: { towns: { totalCount: number; edges: { node: { name: string } }[] } } };
    expect(body.data.towns.totalCount).toBe(4);
    expect(body.data.towns.edges.map((e) => e.node.name)).toEqual(['Stockholm', 'Göteborg']);
    const generated = await fetch(`${s.base}/healthz`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses malformed JSON and oversized bodies', async () => {
    const bad = await fetch(`${s.base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(bad.status).toBe(400);
    const huge = await fetch(`${s.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ towns { totalCount } } # ${'x'.repeat(1_100_000)}` }),
    });
    expect(huge.status).toBe(413);
  });
});

describe('production mode', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    s = await serve({ NODE_ENV: 'production' });
  });
  afterAll(() => stop(s));

  it('hides internals of unexpected errors and keeps expected codes', async () => {
    // Break the database under the API: the error must not leak SQL.
    await s.orm.em.getConnection().execute('alter table town rename to town_gone');
    try {
      const res = await fetch(`${s.base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ towns { totalCount } }' }),
      });
      const body = (await res.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
      expect(body.errors[0]!.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
      expect(body.errors[0]!.message).toBe('Internal server error.');
      expect(JSON.stringify(body)).not.toMatch(/town_gone|select|stack/i);
    } finally {
      await s.orm.em.getConnection().execute('alter table town_gone rename to town');
    }
    const bad = await fetch(`${s.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ towns(first: 101) { totalCount } }' }),
    });
    const badBody = (await bad.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(badBody.errors[0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'first' });
  });
});

describe('production hardening', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    s = await serve({ NODE_ENV: 'production', BODY_LIMIT_BYTES: '2048' });
  });
  afterAll(() => stop(s));

  const post = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${s.base}/graphql`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('turns introspection and field suggestions off', async () => {
    const intro = (await (await post({ query: '{ __schema { types { name } } }' })).json()) as { errors: { message: string }[] };
    expect(intro.errors[0]!.message).toMatch(/introspection/i);
    const typo = (await (await post({ query: '{ town { nme } }' })).json()) as { errors: { message: string }[] };
    expect(typo.errors.length).toBeGreaterThan(0);
    for (const e of typo.errors) expect(e.message).not.toMatch(/Did you mean/);
  });

  it('applies the configured body limit and CSRF prevention', async () => {
    expect((await post({ query: `{ towns { totalCount } } # ${'x'.repeat(3000)}` })).status).toBe(413);
    // A simple (form-like) GET without a preflight-forcing header is refused.
    const csrf = await fetch(`${s.base}/graphql?query=${encodeURIComponent('{ towns { totalCount } }')}`);
    expect(csrf.status).toBe(400);
    const ok = await fetch(`${s.base}/graphql?query=${encodeURIComponent('{ towns { totalCount } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(ok.status).toBe(200);
  });

  it('keeps introspection when ENABLE_INTROSPECTION=true', () => {
    expect(loadConfig({ NODE_ENV: 'production', ENABLE_INTROSPECTION: 'true' }).introspection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }).statementTimeoutMs).toBe(5000);
  });
});

describe('config', () => {
  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', NODE_ENV: 'staging' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/PORT/);
      expect(problems).toMatch(/DATABASE_URL/);
      expect(problems).toMatch(/NODE_ENV/);
    }
  });

  it('defaults to embedded PGlite under ./data on port 4000', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.port).toBe(4000);
  });
});
