import type { EntityManager } from '@mikro-orm/postgresql';
import { isEmail } from 'class-validator';
import { User } from './auth.entity';
import { ensureClient, issueToken } from './auth.service';
import { ALL_SCOPES, Scope } from './viewer';

export type TokenCliArgs = {
  user?: string;
  client?: string;
  /** With --user: create the account when it does not exist. */
  create?: boolean;
  name?: string;
  admin?: boolean;
  scopes?: string[];
  label?: string;
  expiresInDays?: number;
};

export class TokenCliError extends Error {}

/**
 * What `npm run token:create` does, callable from tests: one token for a
 * user (optionally creating the account, e.g. the first admin) or for an
 * app client. Returns the plain token, which is printed once and never stored.
 */
export async function createTokenFromCli(em: EntityManager, args: TokenCliArgs): Promise<{ token: string; owner: string }> {
  if (!!args.user === !!args.client) throw new TokenCliError('Give exactly one of --user <email> or --client <name>.');
  const expiresAt = args.expiresInDays ? new Date(Date.now() + args.expiresInDays * 86_400_000) : null;
  const label = args.label ?? 'created with token:create';
  return em.transactional(async (tx) => {
    const etx = tx as EntityManager;
    if (args.client) {
      const scopes = args.scopes?.length ? args.scopes : [Scope.PUBLIC_READ];
      const unknown = scopes.filter((s) => !ALL_SCOPES.includes(s));
      if (unknown.length) throw new TokenCliError(`Unknown scope(s): ${unknown.join(', ')}. Known: ${ALL_SCOPES.join(', ')}.`);
      const client = await ensureClient(etx, args.client.trim(), scopes);
      const { token } = await issueToken(etx, { clientId: client.id }, label, expiresAt);
      return { token, owner: `client "${client.name}" (scopes: ${client.scopes.join(', ')})` };
    }
    const email = args.user!.trim();
    if (!isEmail(email)) throw new TokenCliError(`"${email}" is not an e-mail address.`);
    const [row] = await etx
      .getConnection()
      .execute<{ id: number }[]>('select id from app_user where lower(email) = lower(?)', [email], 'all', etx.getTransactionContext());
    let user = row ? await etx.findOneOrFail(User, { id: row.id }) : null;
    if (!user) {
      if (!args.create) throw new TokenCliError(`No user with e-mail ${email}; add --create --name "Full Name" [--admin] to create one.`);
      user = etx.create(User, { name: (args.name ?? email).trim(), email, isAdmin: !!args.admin });
      await etx.flush();
    } else if (args.admin && !user.isAdmin) {
      user.isAdmin = true;
    }
    const { token } = await issueToken(etx, { userId: user.id }, label, expiresAt);
    return { token, owner: `user ${user.email}${user.isAdmin ? ' (admin)' : ''}` };
  });
}
