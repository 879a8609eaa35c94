'use strict';
// The raw baseline of npm run bench: a bare node:http handler that runs the
// hand-written SQL of bench/queries/raw/ with pg, shapes the rows like the
// API's response (same nesting, same global ids) and JSON.stringify's it.
// No GraphQL, no ORM, no authentication, no limits: the floor for the same
// result on the same database.
//
//   DATABASE_URL=postgres://… PORT=4103 node bench/peers/raw/server.js
//   POST /raw/<scenario>  {"variables": {...}}   → {"data": ...}
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { Pool } = require('pg');

const SQL_DIR = path.resolve(__dirname, '..', '..', 'queries', 'raw');
const sql = Object.fromEntries(
  fs.readdirSync(SQL_DIR).filter((f) => f.endsWith('.sql')).map((f) => [f.slice(0, -4), fs.readFileSync(path.join(SQL_DIR, f), 'utf8')]),
);
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const gid = (type, id) => Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');

function groupBy(rows, key) {
  const map = new Map();
  for (const row of rows) {
    const k = row[key];
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

const scenarios = {
  /** { id } → the class. */
  async node({ id }) {
    const { rows } = await pool.query(sql['1-node'], [id]);
    const c = rows[0];
    if (!c) return { node: null };
    return {
      node: {
        id: gid('SchoolClass', c.id),
        label: c.label,
        grade: c.grade,
        ageMin: c.age_min,
        ageMax: c.age_max,
        pupilCount: c.pupil_count,
        subjects: c.subjects,
        themes: c.themes,
        lookingForPartners: c.looking_for_partners,
      },
    };
  },

  /** { createdAt, id, first } → a page of classes after that position. */
  async classes({ createdAt, id, first }) {
    const { rows } = await pool.query(sql['2-classes'], [createdAt, id, first]);
    const languages = rows.length ? groupBy((await pool.query(sql['2-languages'], [rows.map((r) => r.id)])).rows, 'class_id') : new Map();
    return {
      schoolClasses: {
        edges: rows.map((c) => ({
          node: {
            id: gid('SchoolClass', c.id),
            label: c.label,
            ageMin: c.age_min,
            ageMax: c.age_max,
            pupilCount: c.pupil_count,
            school: {
              id: gid('School', c.school_id),
              name: c.school_name,
              kind: c.school_kind,
              town: { id: gid('Town', c.town_id), name: c.town_name, country: c.country },
            },
            languages: (languages.get(c.id) ?? []).map((l) => ({ language: l.language, role: l.role, level: l.level })),
          },
        })),
      },
    };
  },

  /** { id } → the school, its classes, their pairings with both classes and their schools. */
  async schoolTree({ id }) {
    const [school, classes] = await Promise.all([pool.query(sql['3-school'], [id]), pool.query(sql['3-classes'], [id, 20])]);
    const s = school.rows[0];
    if (!s) return { school: null };
    const pairings = classes.rows.length
      ? groupBy((await pool.query(sql['3-pairings'], [classes.rows.map((c) => c.id), 10])).rows, 'class_id')
      : new Map();
    const side = (classId, label, schoolId, schoolName) => ({
      id: gid('SchoolClass', classId),
      label,
      school: { id: gid('School', schoolId), name: schoolName },
    });
    return {
      school: {
        id: gid('School', s.id),
        name: s.name,
        kind: s.kind,
        town: { name: s.town_name, country: s.country },
        classes: {
          edges: classes.rows.map((c) => ({
            node: {
              id: gid('SchoolClass', c.id),
              label: c.label,
              pairings: {
                edges: (pairings.get(c.id) ?? []).map((p) => ({
                  node: {
                    id: gid('LanguagePairing', p.id),
                    status: p.status,
                    mode: p.mode,
                    languageA: p.language_a,
                    languageB: p.language_b,
                    classA: side(p.a_id, p.a_label, p.a_school_id, p.a_school_name),
                    classB: side(p.b_id, p.b_label, p.b_school_id, p.b_school_name),
                  },
                })),
              },
            },
          })),
        },
      },
    };
  },
  /** { id, first } → the exchange with visits (host school, town), goals and evaluations, budget totals, lines and funding. */
  async exchange({ id, first }) {
    const limit = first ?? 20;
    const [exchange, visits, goals, totals, lines, funding] = await Promise.all([
      pool.query(sql['4-exchange'], [id]),
      pool.query(sql['4-visits'], [id, limit]),
      pool.query(sql['4-goals'], [id, limit]),
      pool.query(sql['4-totals'], [id]),
      pool.query(sql['4-lines'], [id, limit]),
      pool.query(sql['4-funding'], [id, limit]),
    ]);
    const e = exchange.rows[0];
    if (!e) return { exchange: null };
    const goalRows = groupBy(goals.rows, 'id');
    return {
      exchange: {
        id: gid('Exchange', e.id),
        title: e.title,
        status: e.status,
        visits: {
          edges: visits.rows.map((v) => ({
            node: {
              id: gid('Visit', v.id),
              startsOn: v.starts_on,
              endsOn: v.ends_on,
              participantCount: v.participant_count,
              transportMode: v.transport_mode,
              hostSchool: { id: gid('School', v.school_id), name: v.school_name, town: { name: v.town_name, country: v.country } },
            },
          })),
        },
        goals: {
          edges: [...goalRows.values()].map(([g, ...more]) => ({
            node: {
              id: gid('Goal', g.id),
              description: g.description,
              evaluationOn: g.evaluation_on,
              evaluations: {
                edges: [g, ...more]
                  .filter((r) => r.evaluation_id !== null)
                  .map((r) => ({ node: { id: gid('Evaluation', r.evaluation_id), outcome: r.outcome, evaluatedOn: r.evaluated_on } })),
              },
            },
          })),
        },
        budget: {
          totals: totals.rows.map((t) => ({
            currency: t.currency,
            cost: Number(t.cost),
            fundingSecured: Number(t.secured),
            gap: Number(t.cost) - Number(t.secured),
          })),
        },
        budgetLines: {
          edges: lines.rows.map((l) => ({
            node: { id: gid('BudgetLine', l.id), category: l.category, amountMinor: l.amount_minor, currency: l.currency, basis: l.basis },
          })),
        },
        fundingSources: {
          edges: funding.rows.map((f) => ({
            node: { id: gid('FundingSource', f.id), kind: f.kind, amountMinor: f.amount_minor, currency: f.currency, status: f.status },
          })),
        },
      },
    };
  },
};
function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer(async (req, res) => {
  if (req.url === '/healthz') return send(res, 200, { status: 'ok' });
  const match = /^\/raw\/(\w+)$/.exec(req.url ?? '');
  const handler = match && req.method === 'POST' ? scenarios[match[1]] : undefined;
  if (!handler) return send(res, 404, { error: 'not found' });
  try {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const { variables } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    send(res, 200, { data: await handler(variables) });
  } catch (err) {
    send(res, 500, { errors: [{ message: String(err && err.message) }] });
  }
});
server.listen(Number(process.env.PORT ?? 4103), '127.0.0.1', () => {
  process.stdout.write(`raw baseline ready on ${server.address().port}\n`);
});
const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
