import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfigOrExit } from '../config';
import { createOrm, dbTargetFromConfig, type Orm } from '../db';
import { mulberry32 } from '../lib/random';
import { importTowns } from '../modules/import/towns';
import { importTwins } from '../modules/import/twins';
import {
  countryTownPairs,
  linkDensity,
  NETWORK_CRITERIA,
  scoreTownPair,
  TOWN_SIMILARITY_CRITERIA,
  TOWN_SIMILARITY_WEIGHTS,
  type LanguageShare,
  type TownFacts,
  type TownSimilarityCriterion,
} from '../modules/matching/town-similarity';
import { groupBy } from '../lib/group-by';

const USAGE = `Usage: npm run eval:twins -- [--folds 5] [--negatives 10] [--seed 20261127] [--min-auc 0.9] [file.tsv …]

Measures town similarity on real twin towns: the AUC of real twin pairs (A, B)
against pairs (A, C), C a random town of the database. Uses the configured
database (DATABASE_URL, or PGlite in DATA_DIR); imports the towns when there
are none, and the twin-town files (the arguments, else TWINS_FILE, else
../shared/data/twin-towns/*.tsv) when there are no twin links.`;

type Options = { folds: number; negatives: number; seed: number; minAuc: number; files: string[] };

function parseArgs(args: string[]): Options | string {
  const opts: Options = { folds: 5, negatives: 10, seed: 20261127, minAuc: 0.9, files: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') return 'help';
    const m = /^--(folds|negatives|seed|min-auc)(?:=(.*))?$/.exec(arg);
    if (m) {
      const raw = m[2] ?? args[++i];
      const value = Number(raw);
      if (raw === undefined || !Number.isFinite(value)) return `--${m[1]} needs a number`;
      if (m[1] === 'folds') {
        if (!Number.isInteger(value) || value < 2 || value > 20) return '--folds must be an integer from 2 to 20';
        opts.folds = value;
      } else if (m[1] === 'negatives') {
        if (!Number.isInteger(value) || value < 1 || value > 100) return '--negatives must be an integer from 1 to 100';
        opts.negatives = value;
      } else if (m[1] === 'seed') {
        opts.seed = Math.trunc(value);
      } else {
        opts.minAuc = value;
      }
    } else if (arg.startsWith('-')) {
      return `Unknown option "${arg}"`;
    } else {
      opts.files.push(arg);
    }
  }
  return opts;
}

/**
 * Area under the ROC curve (Mann–Whitney U): the probability that a random
 * positive scores above a random negative, ties counting one half.
 */
export function auc(positives: readonly number[], negatives: readonly number[]): number {
  if (positives.length === 0 || negatives.length === 0) return NaN;
  const all = [...positives.map((s) => [s, 1] as const), ...negatives.map((s) => [s, 0] as const)].sort((x, y) => x[0] - y[0]);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j][0] === all[i][0]) j++;
    const rank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (all[k][1] === 1) rankSum += rank;
    i = j;
  }
  return (rankSum - (positives.length * (positives.length + 1)) / 2) / (positives.length * negatives.length);
}

type Data = {
  towns: TownFacts[];
  byId: Map<number, TownFacts>;
  links: [number, number][];
  languages: Map<string, LanguageShare[]>;
};

async function loadData(orm: Orm): Promise<Data> {
  const conn = orm.em.getConnection();
  // One JSON document per table: far faster than 70k rows, above all on PGlite.
  const [{ towns: townsJson }] = await conn.execute<{ towns: string }[]>(
    `select coalesce(json_agg(json_build_array(id, trim(country), population, latitude, longitude, name) order by id), '[]')::text as towns from town`,
  );
  const [{ links: linksJson }] = await conn.execute<{ links: string }[]>(
    `select coalesce(json_agg(json_build_array(town_a_id, town_b_id) order by town_a_id, town_b_id), '[]')::text as links
       from twin_link where status <> 'ENDED'`,
  );
  const langRows = await conn.execute<{ country: string; language: string; percent: number }[]>(
    `select trim(country) as country, language, population_percent as percent from country_language order by country, language`,
  );
  const towns = (JSON.parse(townsJson) as [number, string, number, number, number, string][]).map(
    ([id, country, population, latitude, longitude, name]): TownFacts => ({ id, country, population, latitude, longitude, name }),
  );
  const languages = groupBy(
    langRows,
    (r) => r.country,
    (r): LanguageShare => ({ language: r.language, share: Number(r.percent) / 100 }),
  );
  return { towns, byId: new Map(towns.map((t) => [t.id, t])), links: JSON.parse(linksJson) as [number, number][], languages };
}

const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** Twin-link facts from one set of links: who is twinned with whom, and links per country pair. */
class Network {
  readonly twins = new Map<number, Set<number>>();
  readonly countryLinks = new Map<string, number>();
  constructor(
    links: readonly [number, number][],
    byId: ReadonlyMap<number, TownFacts>,
    readonly density: number,
  ) {
    for (const [a, b] of links) {
      this.add(a, b);
      this.add(b, a);
      const key = pairKey(byId.get(a)!.country, byId.get(b)!.country);
      this.countryLinks.set(key, (this.countryLinks.get(key) ?? 0) + 1);
    }
  }
  private add(a: number, b: number) {
    let set = this.twins.get(a);
    if (!set) this.twins.set(a, (set = new Set()));
    set.add(b);
  }
  shared(a: number, b: number): number {
    const ta = this.twins.get(a);
    const tb = this.twins.get(b);
    if (!ta || !tb) return 0;
    let n = 0;
    for (const x of ta) if (tb.has(x)) n++;
    return n;
  }
}

type Scored = { total: number; withoutNetwork: number; criteria: Record<string, number> };

type Results = {
  positives: Scored[];
  negatives: Scored[];
  /** For each positive, the indexes of its own negatives (A, C). */
  negativesOf: [number, number][];
};

function evaluate(data: Data, opts: Options) {
  const { towns, byId, links, languages } = data;
  const random = mulberry32(opts.seed);
  const townsIn = new Map<string, number>();
  for (const t of towns) townsIn.set(t.country, (townsIn.get(t.country) ?? 0) + 1);
  const allTwins = new Network(links, byId, 0).twins;

  // Folds by pair: a seeded shuffle, then every k-th pair.
  const order = links.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const foldOf = new Array<number>(links.length);
  order.forEach((linkIndex, position) => (foldOf[linkIndex] = position % opts.folds));

  const score = (net: Network, a: TownFacts, b: TownFacts): Scored => {
    const same = a.country === b.country;
    const result = scoreTownPair(
      a,
      b,
      {
        languagesA: languages.get(a.country) ?? [],
        languagesB: languages.get(b.country) ?? [],
        network: {
          twinsA: net.twins.get(a.id)?.size ?? 0,
          twinsB: net.twins.get(b.id)?.size ?? 0,
          sharedPartners: net.shared(a.id, b.id),
          countryLinks: net.countryLinks.get(pairKey(a.country, b.country)) ?? 0,
          countryTownPairs: countryTownPairs(townsIn.get(a.country) ?? 0, townsIn.get(b.country) ?? 0, same),
          linkDensity: net.density,
        },
      },
      { explain: false },
    );
    const criteria: Record<string, number> = {};
    let withoutNetwork = 0;
    for (const r of result.reasons) {
      criteria[r.criterion] = r.score;
      if (!NETWORK_CRITERIA.has(r.criterion)) withoutNetwork += r.weight * r.score;
    }
    return { total: result.score, withoutNetwork, criteria };
  };

  const folds: (Results & { pairs: number })[] = [];
  for (let f = 0; f < opts.folds; f++) {
    const train = links.filter((_, i) => foldOf[i] !== f);
    const test = links.filter((_, i) => foldOf[i] === f);
    // The network criteria see only the links of the other folds.
    const net = new Network(train, byId, linkDensity(train.length, towns.length));
    const res: Results & { pairs: number } = { positives: [], negatives: [], negativesOf: [], pairs: test.length };
    for (const [x, y] of test) {
      for (const [aId, bId] of [[x, y], [y, x]] as const) {
        const a = byId.get(aId)!;
        res.positives.push(score(net, a, byId.get(bId)!));
        const first = res.negatives.length;
        const twinsOfA = allTwins.get(aId)!;
        for (let k = 0; k < opts.negatives; k++) {
          let c: TownFacts;
          do c = towns[Math.floor(random() * towns.length)];
          while (c.id === aId || twinsOfA.has(c.id));
          res.negatives.push(score(net, a, c));
        }
        res.negativesOf.push([first, res.negatives.length]);
      }
    }
    folds.push(res);
  }
  return folds;
}

/** Share of the comparisons of each (A, B) with its own (A, C) that (A, B) wins, ties one half. */
function pairedAuc(results: Results[], pick: (s: Scored) => number): number {
  let wins = 0;
  let total = 0;
  for (const r of results) {
    r.positives.forEach((p, i) => {
      const [from, to] = r.negativesOf[i];
      for (let k = from; k < to; k++) {
        const pv = pick(p);
        const nv = pick(r.negatives[k]);
        wins += pv > nv ? 1 : pv === nv ? 0.5 : 0;
        total++;
      }
    });
  }
  return wins / total;
}

const f3 = (x: number) => x.toFixed(3);

function twinFiles(opts: Options, twinsFile: string | undefined, sharedDataDir: string): string[] {
  if (opts.files.length > 0) return opts.files.map((f) => path.resolve(f));
  if (twinsFile) return [twinsFile];
  const dir = path.join(sharedDataDir, 'twin-towns');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.tsv'))
    .sort()
    .map((f) => path.join(dir, f));
}

async function main(): Promise<number> {
  const parsed = parseArgs(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (typeof parsed === 'string') {
    process.stderr.write(`${parsed}\n${USAGE}\n`);
    return 2;
  }
  const opts = parsed;
  const config = loadConfigOrExit();
  const started = Date.now();
  const out = (line = '') => process.stdout.write(`${line}\n`);
  let orm: Orm | undefined;
  try {
    orm = await createOrm(dbTargetFromConfig(config));
    const conn = orm.em.getConnection();
    const count = async (table: string) => (await conn.execute<{ n: number }[]>(`select count(*)::int as n from ${table}`))[0].n;

    if ((await count('town')) === 0) {
      const report = await importTowns(orm);
      out(`Imported ${report.towns} towns (GeoNames) into the empty database.`);
    }
    if ((await count('twin_link')) === 0) {
      const files = twinFiles(opts, config.twinsFile, config.sharedDataDir);
      if (files.length === 0) {
        process.stderr.write('No twin links in the database and no twin-town file found.\n');
        return 1;
      }
      for (const file of files) {
        if (!fs.existsSync(file)) {
          process.stderr.write(`File not found: ${file}\n`);
          return 1;
        }
        const report = await importTwins(orm, file);
        out(`Imported ${report.created} twin links from ${file} (${report.matched} of ${report.pairs} in-scope pairs matched).`);
      }
    } else if (opts.files.length > 0) {
      out('The database already has twin links: evaluating those, the files given were not imported.');
    }

    const data = await loadData(orm);
    if (data.links.length < opts.folds) {
      process.stderr.write(`Only ${data.links.length} twin links: too few for ${opts.folds} folds.\n`);
      return 1;
    }
    const folds = evaluate(data, opts);
    const positives = folds.flatMap((f) => f.positives);
    const negatives = folds.flatMap((f) => f.negatives);
    const aucOf = (pick: (s: Scored) => number, from: Results[] = folds) =>
      auc(from.flatMap((f) => f.positives.map(pick)), from.flatMap((f) => f.negatives.map(pick)));
    const overall = aucOf((s) => s.total);
    const noNetwork = aucOf((s) => s.withoutNetwork);

    out();
    out('Town similarity on real twin towns: AUC of twin pairs (A, B) against random pairs (A, C)');
    out(`  data:       ${data.towns.length} towns, ${data.links.length} twin links (not ended) in the database`);
    out(`  folds:      ${opts.folds}, by pair (seeded shuffle, seed ${opts.seed}); the network criteria of a fold`);
    out('              (COUNTRY_TIES, SHARED_PARTNERS, TWINNING_EXPERIENCE) use only the links of the other folds');
    out(`  pairs:      each held-out pair in both orientations, ${positives.length} positives (A, B)`);
    out(`  negatives:  ${opts.negatives} towns C per (A, B), drawn uniformly (seeded mulberry32) from all ${data.towns.length}`);
    out(`              imported towns, C ≠ A and C not a twin of A: ${negatives.length} pairs (A, C)`);
    out();
    folds.forEach((f, i) =>
      out(`  fold ${i + 1}: ${String(f.pairs).padStart(5)} pairs   AUC ${f3(aucOf((s) => s.total, [f]))}   without network ${f3(aucOf((s) => s.withoutNetwork, [f]))}`),
    );
    out();
    out(`  AUC (all folds):                      ${f3(overall)}`);
    out(`  AUC without the network criteria:     ${f3(noNetwork)}`);
    out(`  paired AUC (each (A, B) against its own (A, C)): ${f3(pairedAuc(folds, (s) => s.total))}, without network ${f3(pairedAuc(folds, (s) => s.withoutNetwork))}`);
    out();
    out('  per criterion (AUC of its score alone):');
    for (const c of TOWN_SIMILARITY_CRITERIA) {
      const pick = (s: Scored) => s.criteria[c as TownSimilarityCriterion] ?? 0;
      const tag = NETWORK_CRITERIA.has(c) ? ' (network)' : '';
      out(`    ${c.padEnd(20)} weight ${TOWN_SIMILARITY_WEIGHTS[c].toFixed(2)}   AUC ${f3(aucOf(pick))}${tag}`);
    }
    out();
    const pass = overall >= opts.minAuc;
    out(`  target AUC ≥ ${opts.minAuc}: ${pass ? 'met' : 'NOT met'}   (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return pass ? 0 : 1;
  } catch (err) {
    process.stderr.write(`Evaluation failed: ${err instanceof Error ? err.message : String(err)}\n`);
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
