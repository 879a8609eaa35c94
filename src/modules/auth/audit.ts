import type { EntityManager } from '@mikro-orm/postgresql';
import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import type { Context } from '../../context';
import { fromGlobalId } from '../../lib/global-id';
import { createLoaders } from '../../loaders';
import { invalidateViewers } from './viewer-cache';

/** Global ids named in a mutation's input or returned in its payload. */
function collectIds(value: unknown, out: Set<string>, depth = 0): void {
  if (depth > 4 || value == null) return;
  if (typeof value === 'string') {
    if (fromGlobalId(value)) out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collectIds(v, out, depth + 1);
  } else if (typeof value === 'object') {
    const globalId = (value as { globalId?: unknown }).globalId;
    if (typeof globalId === 'string') {
      out.add(globalId);
      return;
    }
    for (const [key, v] of Object.entries(value)) {
      if (key !== 'userErrors' && key !== 'token') collectIds(v, out, depth + 1);
    }
  }
}

async function writeAudit(em: EntityManager, ctx: Context, operation: string, ids: Set<string>, succeeded: boolean) {
  const viewer = await ctx.viewer().catch(() => null);
  await em
    .getConnection()
    .execute(
      `insert into audit_entry (actor_user_id, actor_client_id, operation, target_ids, succeeded, request_id) values (?, ?, ?, ?::text[], ?, ?)`,
      [viewer?.userId ?? null, viewer?.clientId ?? null, operation, `{${[...ids].join(',')}}`, succeeded, ctx.requestId],
      'run',
      em.getTransactionContext(),
    );
}

/**
 * Runs every mutation in one transaction and records who, when and what in
 * the audit log: in the same transaction when it succeeds or answers with
 * userErrors, and on its own after a rollback when it throws.
 */
async function audited(context: Context, operation: string, args: unknown, next: () => Promise<unknown>): Promise<unknown> {
  const ids = new Set<string>();
  collectIds(args, ids);
  const outer = context.em;
  // Mutations run one after another; each starts with empty caches, so its
  // payload never shows what an earlier mutation of the request had loaded.
  context.loaders = createLoaders(outer);
  try {
    return await outer.transactional(async (em) => {
      context.em = em as EntityManager;
      try {
        const result = await next();
        collectIds(result, ids);
        const userErrors = (result as { userErrors?: unknown[] } | null)?.userErrors ?? [];
        await writeAudit(em as EntityManager, context, operation, ids, userErrors.length === 0);
        return result;
      } finally {
        context.em = outer;
      }
    });
  } catch (err) {
    await writeAudit(outer, context, operation, ids, false);
    throw err;
  } finally {
    // After the commit (or rollback): a Viewer cached before it may hold roles or tokens it changed.
    invalidateViewers();
  }
}

/** Wraps the resolver of every Mutation field (and only those) in `audited`. */
export function auditMutations(schema: GraphQLSchema): GraphQLSchema {
  const fields = schema.getMutationType()?.getFields() ?? {};
  for (const field of Object.values(fields)) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context: Context, info) =>
      audited(context, info.fieldName, args, async () => resolve(source, args, context, info));
  }
  return schema;
}
