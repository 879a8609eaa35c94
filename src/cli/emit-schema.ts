import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { printAppSchema } from '../schema';

/** Writes schema/schema.graphql from the type-graphql schema (npm run codegen). */
const target = path.resolve(process.cwd(), 'schema', 'schema.graphql');
fs.writeFileSync(target, printAppSchema());
process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
