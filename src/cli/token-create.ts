import 'reflect-metadata';
import { parseArgs } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { loadConfigOrExit } from '../config';
import { createOrm, dbTargetFromConfig } from '../db';
import { createTokenFromCli, TokenCliError } from '../modules/auth/token-cli';

const USAGE = `Usage:
  npm run token:create -- --user <email> [--create --name "Full Name"] [--admin] [--label L] [--expires-days N]
  npm run token:create -- --client <app name> [--scopes public:read,exchanges:read] [--label L] [--expires-days N]`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        user: { type: 'string' },
        client: { type: 'string' },
        create: { type: 'boolean' },
        name: { type: 'string' },
        admin: { type: 'boolean' },
        scopes: { type: 'string' },
        label: { type: 'string' },
        'expires-days': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const days = values['expires-days'] !== undefined ? Number(values['expires-days']) : undefined;
  if (days !== undefined && !(Number.isInteger(days) && days > 0)) {
    process.stderr.write('--expires-days must be a whole number of days above 0\n');
    return 2;
  }
  const config = loadConfigOrExit();
  const orm = await createOrm(dbTargetFromConfig(config));
  try {
    const { token, owner } = await createTokenFromCli(orm.em.fork() as EntityManager, {
      user: values.user,
      client: values.client,
      create: values.create,
      name: values.name,
      admin: values.admin,
      scopes: values.scopes?.split(',').map((s) => s.trim()).filter(Boolean),
      label: values.label,
      expiresInDays: days,
    });
    process.stdout.write(`Token for ${owner} (shown once, store it safely):\n\n${token}\n\nUse it as: Authorization: Bearer ${token.slice(0, 8)}…\n`);
    return 0;
  } catch (err) {
    if (err instanceof TokenCliError) {
      process.stderr.write(`${err.message}\n${USAGE}\n`);
      return 1;
    }
    throw err;
  } finally {
    await orm.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`token:create failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
