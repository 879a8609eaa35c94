import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { medianReport } from '../bench/median';
import { markdown, writeResult, type BenchReport } from '../bench/report';

const USAGE = `npm run bench:median -- [--label L] RESULT.json RESULT.json ...

The median of several runs of \`npm run bench\` with the same settings (issue
6's targets are medians): each cell is the median of the runs' figures,
errors are summed and the peak RSS is the largest. Writes
bench/results/<date>-bench-median[-label].md and .json.`;

function main() {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { label: { type: 'string' }, help: { type: 'boolean' } },
    allowPositionals: true,
  });
  if (values.help || positionals.length < 2) {
    process.stdout.write(`${USAGE}\n`);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const reports = positionals.map((file) => JSON.parse(fs.readFileSync(file, 'utf8')) as BenchReport);
  const command = `npm run bench:median -- ${process.argv.slice(2).join(' ')}`;
  const report = medianReport(reports, command);
  writeResult(report, `bench-median${values.label ? `-${values.label}` : ''}`, markdown(report));
}

main();
