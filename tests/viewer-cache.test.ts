import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { GrantRoleDocument, RevokeApiTokenDocument } from '../schema/generated/graphql';
import { toGlobalId } from '../src/lib/global-id';
import { ViewerCache } from '../src/modules/auth/viewer-cache';
import { createTestApi, createUserWithToken, expectData, expectErrorCode, type TestApi } from './helpers/api';

/**
 * The server reuses a resolved token for AUTH_CACHE_MS (ViewerCache). What
 * a mutation in this process changes shows on the next request; what is
 * changed elsewhere (here: straight in SQL) once the entry is older than
 * the TTL. The clock is the cache's own, moved by hand.
 */

type ViewerData = { viewer: { kind: string; isAdmin: boolean } };
const ViewerQuery = parse('query { viewer { kind isAdmin } }') as TypedDocumentNode<ViewerData, Record<string, never>>;

let api: TestApi;
let now: number;
const TTL = 2_000;
const newCache = () => new ViewerCache(TTL, 10_000, () => now);

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());
beforeEach(() => {
  now = Date.parse('2026-11-28T12:00:00Z');
});

async function user(name: string) {
  const { userId, token } = await createUserWithToken(api.orm, name);
  const [{ id }] = await api.orm.em.getConnection().execute<{ id: number }[]>('select id from api_token where user_id = ?', [userId]);
  return { userId, token, tokenGid: toGlobalId('ApiToken', id) };
}

async function statementsOf(run: () => Promise<unknown>): Promise<number> {
  api.sql.reset();
  await run();
  return api.sql.count;
}

describe('ViewerCache: a resolved token is reused for a short time', () => {
  it('saves the token statement while fresh, and looks the token up again once older than the TTL', async () => {
    const { token } = await user('Cache reader');
    const plain = api.as(token);
    await plain.exec(ViewerQuery); // sets last_used_at, so no call below writes it
    const uncached = await statementsOf(() => plain.exec(ViewerQuery));
    const cached = api.as(token, { viewers: newCache() });
    expect(await statementsOf(() => cached.exec(ViewerQuery))).toBe(uncached);
    expect(await statementsOf(() => cached.exec(ViewerQuery))).toBe(uncached - 1);
    now += TTL - 1;
    expect(await statementsOf(() => cached.exec(ViewerQuery))).toBe(uncached - 1);
    now += 1;
    expect(await statementsOf(() => cached.exec(ViewerQuery))).toBe(uncached);
  });

  it('a token revoked by a mutation is refused on the next request', async () => {
    const { token, tokenGid } = await user('Cache revoked');
    const viewers = newCache();
    const cached = api.as(token, { viewers });
    expect(expectData(await cached.exec(ViewerQuery)).viewer.kind).toBe('USER');
    expect(expectData(await api.admin.exec(RevokeApiTokenDocument, { input: { id: tokenGid } })).revokeApiToken.userErrors).toEqual([]);
    expectErrorCode(await cached.exec(ViewerQuery), 'UNAUTHENTICATED');
    // Refusals are not cached: still refused, with the statement each time.
    expect(await statementsOf(async () => expectErrorCode(await cached.exec(ViewerQuery), 'UNAUTHENTICATED'))).toBeGreaterThan(0);
  });

  it('a role granted by a mutation shows on the next request', async () => {
    const { userId, token } = await user('Cache promoted');
    const cached = api.as(token, { viewers: newCache() });
    expect(expectData(await cached.exec(ViewerQuery)).viewer.isAdmin).toBe(false);
    const input = { userId: toGlobalId('User', userId), role: 'ADMIN' as never };
    expect(expectData(await api.admin.exec(GrantRoleDocument, { input })).grantRole.userErrors).toEqual([]);
    expect(expectData(await cached.exec(ViewerQuery)).viewer.isAdmin).toBe(true);
  });

  it('a change made outside this process shows once the entry is older than the TTL', async () => {
    const { userId, token } = await user('Cache outside');
    const cached = api.as(token, { viewers: newCache() });
    expect(expectData(await cached.exec(ViewerQuery)).viewer.isAdmin).toBe(false);
    await api.orm.em.getConnection().execute('update app_user set is_admin = true where id = ?', [userId]);
    expect(expectData(await cached.exec(ViewerQuery)).viewer.isAdmin).toBe(false);
    now += TTL;
    expect(expectData(await cached.exec(ViewerQuery)).viewer.isAdmin).toBe(true);
  });

  it('a cached token is not served from the moment it expires', async () => {
    const { token } = await user('Cache expiring');
    const conn = api.orm.em.getConnection();
    const [{ ms }] = await conn.execute<{ ms: string }[]>(
      `update api_token set expires_at = now() + interval '1 hour' where id = ? returning floor(extract(epoch from expires_at) * 1000)::bigint::text as ms`,
      [await tokenId(token)],
    );
    await api.as(token).exec(ViewerQuery); // sets last_used_at
    // A TTL longer than the token's life, on the real clock: only the expiry can drop the entry.
    now = Date.now();
    const cached = api.as(token, { viewers: new ViewerCache(2 * 3_600_000, 10_000, () => now) });
    const lookup = await statementsOf(() => cached.exec(ViewerQuery));
    now = Number(ms) - 1;
    expect(await statementsOf(() => cached.exec(ViewerQuery))).toBe(lookup - 1);
    now = Number(ms);
    // Past its expiry by the cache's clock: the entry is dropped and the token looked up again.
    expect(await statementsOf(() => cached.exec(ViewerQuery))).toBe(lookup);
  });

  it('keeps at most maxEntries viewers, dropping the oldest', async () => {
    const small = new ViewerCache(TTL, 2, () => now);
    const a = await user('Cache A');
    const b = await user('Cache B');
    const c = await user('Cache C');
    for (const u of [a, b, c]) await api.as(u.token, { viewers: small }).exec(ViewerQuery);
    // A was dropped when C came in: looked up again; C still cached.
    const withLookup = await statementsOf(() => api.as(a.token, { viewers: small }).exec(ViewerQuery));
    expect(await statementsOf(() => api.as(c.token, { viewers: small }).exec(ViewerQuery))).toBe(withLookup - 1);
  });
});

async function tokenId(token: string): Promise<number> {
  const [{ id }] = await api.orm.em
    .getConnection()
    .execute<{ id: number }[]>(`select id from api_token where token_hash = encode(sha256(convert_to(?, 'utf8')), 'hex')`, [token]);
  return id;
}
