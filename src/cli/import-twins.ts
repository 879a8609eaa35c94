import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfigOrExit } from '../config';
import { createOrm, dbTargetFromConfig, type Orm } from '../db';
import { importTwins, type TwinImportReport, type TwinImportSource } from '../modules/import/twins';

const USAGE = 'Usage: npm run import:twins -- [--source WIKIDATA|IMPORT] <file.tsv>';
const MAX_LISTED = 50;

function percent(n: number, of: number): string {
  return of === 0 ? '–' : `${((100 * n) / of).toFixed(1)}%`;
}

export function formatTwinReport(file: string, report: TwinImportReport, seconds: number): string {
  const lines = [
    `Twin towns imported from ${file} in ${seconds.toFixed(1)} s:`,
    `  lines:             ${report.lines}`,
    `  malformed:         ${report.malformed.length}${report.malformed.length > 0 ? ' (skipped)' : ''}`,
  ];
  for (const m of report.malformed.slice(0, MAX_LISTED)) lines.push(`    line ${m.line}: ${m.reason}`);
  if (report.malformed.length > MAX_LISTED) lines.push(`    … and ${report.malformed.length - MAX_LISTED} more`);
  const by = report.sidesMatchedBy;
  lines.push(
    `  pairs in scope:    ${report.pairs}`,
    `  out of scope:      ${report.outOfScope} (a town outside the imported countries)`,
    `  matched:           ${report.matched} of ${report.pairs} (${percent(report.matched, report.pairs)})`,
    `    towns matched by name ${by.name}, by name across a border ${by['name-other-country']}, by longer/shorter name ${by.words},` +
      ` by spelling ${by.spelling}, by size and place ${by.population}`,
    `  created:           ${report.created}`,
    `  already present:   ${report.alreadyPresent}`,
    `  unmatched:         ${report.unmatched.length}`,
  );
  for (const u of report.unmatched.slice(0, MAX_LISTED)) {
    lines.push(`    line ${u.line}: ${u.origin} — ${u.destination}: ${u.reason}`);
  }
  if (report.unmatched.length > MAX_LISTED) lines.push(`    … and ${report.unmatched.length - MAX_LISTED} more`);
  return `${lines.join('\n')}\n`;
}

/** Imports twin-town pairs from a TSV file (format of shared/data/twin-towns/README.md). */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  let source: TwinImportSource = 'WIKIDATA';
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (arg === '--source' || arg.startsWith('--source=')) {
      const value = (arg === '--source' ? args[++i] : arg.slice('--source='.length))?.toUpperCase();
      if (value !== 'WIKIDATA' && value !== 'IMPORT') {
        process.stderr.write(`--source must be WIKIDATA or IMPORT\n${USAGE}\n`);
        return 2;
      }
      source = value;
    } else if (arg.startsWith('-')) {
      process.stderr.write(`Unknown option "${arg}"\n${USAGE}\n`);
      return 2;
    } else {
      files.push(arg);
    }
  }
  if (files.length > 1) {
    process.stderr.write(`One file at a time\n${USAGE}\n`);
    return 2;
  }

  const config = loadConfigOrExit();
  const file = path.resolve(
    files[0] ?? config.twinsFile ?? path.join(config.sharedDataDir, 'twin-towns', 'wikidata-twin-towns-eu.tsv'),
  );
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    process.stderr.write(`File not found: ${file}\n${USAGE}\n`);
    return 1;
  }

  let orm: Orm | undefined;
  try {
    orm = await createOrm(dbTargetFromConfig(config));
    const [{ n }] = await orm.em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from "town"');
    if (n === 0) {
      process.stderr.write('No towns in the database: run `npm run import:towns` first.\n');
      return 1;
    }
    const started = Date.now();
    const report = await importTwins(orm, file, { source });
    process.stdout.write(formatTwinReport(file, report, (Date.now() - started) / 1000));
    return 0;
  } catch (err) {
    process.stderr.write(`Twin import failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await orm?.close(true);
  }
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
