import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { GraphQLFormattedError } from 'graphql';
import pino from 'pino';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createContext } from '../../src/context';
import type { Orm } from '../../src/db';
import { countStatements } from '../../src/lib/sql-counter';
import { issueToken } from '../../src/modules/auth/auth.service';
import { User } from '../../src/modules/auth/auth.entity';
import type { ViewerCache } from '../../src/modules/auth/viewer-cache';
import { createTestOrm } from './db';

export type ExecResult<T> = {
  data: T | null | undefined;
  errors: readonly GraphQLFormattedError[] | undefined;
  http: { status: number | undefined; headers: Map<string, string> };
};

export type Executor = {
  exec<T, V extends Record<string, unknown>>(doc: TypedDocumentNode<T, V>, variables?: V): Promise<ExecResult<T>>;
};

export type ExecutorOptions = { viewers?: ViewerCache; compiledReads?: boolean };

export type TestApi = Executor & {
  orm: Orm;
  app: App;
  sql: ReturnType<typeof countStatements>;
  /**
   * The same API as the holder of this token (null: anonymous). `viewers`:
   * through that cache, as the server does; `compiledReads: false`: every
   * field through its resolver (compiled-read.ts).
   */
  as(token: string | null, opts?: ExecutorOptions): Executor;
  /** An admin created with the test database. */
  admin: Executor & { token: string; userId: number };
  close(): Promise<void>;
};

/** Creates a user (optionally admin) with a personal token, straight in the database. */
export async function createUserWithToken(orm: Orm, name: string, isAdmin = false) {
  const em = orm.em.fork();
  const user = em.create(User, { name, email: `${name.toLowerCase().replace(/\W+/g, '.')}.${Date.now()}${Math.random().toString(36).slice(2, 6)}@example.org`, isAdmin });
  await em.flush();
  const { token } = await issueToken(em as never, { userId: user.id }, `${name}'s test token`, null);
  return { userId: user.id, token };
}

/** The API on a fresh database, called the way the server calls it (same context, plugins and error formatting). */
export async function createTestApi(env: Record<string, string> = {}): Promise<TestApi> {
  const orm = await createTestOrm();
  const config = loadConfig({ NODE_ENV: 'test', ...env });
  const app = await createApp({ config, orm, logger: pino({ level: 'silent' }) });
  const sql = countStatements(orm);
  const executor = (authorization?: string, opts: ExecutorOptions = {}): Executor => ({
    async exec(doc, variables) {
      const response = await app.apollo.executeOperation(
        { query: doc, variables },
        { contextValue: createContext(orm, { authorization, ip: '127.0.0.1', ...opts }) },
      );
      if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
      const { data, errors } = response.body.singleResult;
      return { data: data as never, errors, http: { status: response.http.status, headers: new Map(response.http.headers) } };
    },
  });
  const admin = await createUserWithToken(orm, 'Admin', true);
  return {
    ...executor(),
    orm,
    app,
    sql,
    as: (token: string | null, opts?: ExecutorOptions) => executor(token === null ? undefined : `Bearer ${token}`, opts),
    admin: { ...executor(`Bearer ${admin.token}`), ...admin },
    async close() {
      await app.stop();
      await orm.close();
    },
  };
}

/** Asserts a response has no top-level errors and returns its data. */
export function expectData<T>(result: ExecResult<T>): T {
  if (result.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(result.errors, null, 2)}`);
  expect(result.data).toBeTruthy();
  return result.data as T;
}

/** Asserts the response failed with exactly this top-level code. */
export function expectErrorCode(result: ExecResult<unknown>, code: string): void {
  expect(result.errors?.map((e) => e.extensions?.code)).toEqual([code]);
}
