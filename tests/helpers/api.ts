import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { GraphQLFormattedError } from 'graphql';
import pino from 'pino';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createContext } from '../../src/context';
import type { Orm } from '../../src/db';
import { countStatements } from '../../src/lib/sql-counter';
import { createTestOrm } from './db';

export type ExecResult<T> = { data: T | null | undefined; errors: readonly GraphQLFormattedError[] | undefined };

export type TestApi = {
  orm: Orm;
  app: App;
  sql: ReturnType<typeof countStatements>;
  exec<T, V extends Record<string, unknown>>(doc: TypedDocumentNode<T, V>, variables?: V): Promise<ExecResult<T>>;
  close(): Promise<void>;
};

/** The API on a fresh database, called the way the server calls it (same context, same error formatting). */
export async function createTestApi(env: Record<string, string> = {}): Promise<TestApi> {
  const orm = await createTestOrm();
  const config = loadConfig({ NODE_ENV: 'test', ...env });
  const app = await createApp({ config, orm, logger: pino({ level: 'silent' }) });
  const sql = countStatements(orm);
  return {
    orm,
    app,
    sql,
    async exec(doc, variables) {
      const response = await app.apollo.executeOperation(
        { query: doc, variables },
        { contextValue: createContext(orm) },
      );
      if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
      const { data, errors } = response.body.singleResult;
      return { data: data as never, errors };
    },
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
