// Scenario 3's SQL three ways, straight through pg (no GraphQL, no API):
//   seq    the six statements the API sends for one school tree (school,
//          town, classes page, pairings pages, partner classes, partner
//          schools), one after another as its DataLoaders do;
//   one    the same rows in one statement, each row as JSON (to_json of
//          the whole row), what a loader-priming prefetch would send;
//   narrow one statement building only the fields the query asks for
//          (json_build_object), as PostGraphile compiles it.
// 10 connections, 300 trees each after a warm-up; prints requests per
// second, this process's CPU and the whole machine's CPU (/proc/stat:
// this process, PostgreSQL and anything else) per tree.
// Run: node bench/experiments/school-tree-sql.cjs seq|one|narrow
// On the bench database (twx_bench6, built by npm run bench), school 2.
// The ids in `seq` are those the API sent for school 2 (the bench data are
// deterministic). Not part of npm run bench: it measured where a compiled
// read path would save time (see the README's Benchmark section).
const { Client } = require('pg');
const fs = require('fs');
function machine() { const l = fs.readFileSync('/proc/stat','utf8').split('\n')[0].split(/\s+/).slice(1).map(Number); return l[0]+l[1]+l[2]+l[5]+l[6]; }
const mode = process.argv[2];
const seq = (id) => [
 `select * from "school" where "id" in (${id})`,
 `select * from "town" where "id" in (59589)`,
 `select * from ( select c.*, c.created_at as "__sort", c.id as "__id", c.school_id as "__parent", row_number() over (partition by c.school_id order by c.created_at desc, c.id desc) as "__rn" from school_class c where c.school_id in (${id}) ) ranked where "__rn" <= 21 order by "__parent", "__rn"`,
 `select * from ( select p.*, p.id as "__sort", p.id as "__id", side.class_id as "__parent", row_number() over (partition by side.class_id order by p.id desc, p.id desc) as "__rn" from language_pairing p join lateral (values (p.class_a_id), (p.class_b_id)) side(class_id) on true where (p.class_a_id in (80002, 60002, 40002, 20002, 2) or p.class_b_id in (80002, 60002, 40002, 20002, 2)) and side.class_id in (80002, 60002, 40002, 20002, 2) ) ranked where "__rn" <= 11 order by "__parent", "__rn"`,
 `select * from "school_class" where "id" in (80002, 35839, 60002, 55839, 40002, 75839, 20002, 95839, 2, 15839)`,
 `select * from "school" where "id" in (15839)`];
const one = (id) => [`select (select json_agg(s) from school s where s.id = ${id}) s,
 (select json_agg(t) from town t where t.id = (select town_id from school where id = ${id})) t,
 (select json_agg(x) from (
   select c.*, (select coalesce(json_agg(p), '[]') from (
        select p.*, json_build_array(ca, cb) as partners from (select * from language_pairing p where p.class_a_id = c.id or p.class_b_id = c.id order by p.id desc limit 11) p
        join lateral (select to_json(ca) ca from school_class ca where ca.id = p.class_a_id) a on true
        join lateral (select to_json(cb) cb from school_class cb where cb.id = p.class_b_id) b on true
      ) p) as pairings
   from school_class c where c.school_id = ${id} order by c.created_at desc, c.id desc limit 21) x) c`];
const narrow = (id) => [`select (select json_build_object('id', s.id, 'name', s.name, 'kind', s.kind, 'town', (select json_build_object('name', t.name, 'country', t.country) from town t where t.id = s.town_id),
 'classes', (select json_agg(json_build_object('id', c.id, 'label', c.label, 'pairings', (select coalesce(json_agg(json_build_object('id', p.id, 'status', p.status, 'mode', p.mode, 'la', p.language_a, 'lb', p.language_b,
     'a', (select json_build_object('id', ca.id, 'label', ca.label, 'school', (select json_build_object('id', sa.id, 'name', sa.name) from school sa where sa.id = ca.school_id)) from school_class ca where ca.id = p.class_a_id),
     'b', (select json_build_object('id', cb.id, 'label', cb.label, 'school', (select json_build_object('id', sb.id, 'name', sb.name) from school sb where sb.id = cb.school_id)) from school_class cb where cb.id = p.class_b_id)
   )), '[]') from (select * from language_pairing p where p.class_a_id = c.id or p.class_b_id = c.id order by p.id desc limit 11) p)))
   from (select * from school_class c where c.school_id = s.id order by c.created_at desc, c.id desc limit 21) c)) from school s where s.id = ${id}) x`];
(async () => {
  const cs = [];
  for (let i = 0; i < 10; i++) { const c = new Client({ connectionString: process.env.BENCH_HTTP_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/twx_bench6' }); await c.connect(); cs.push(c); }
  const N = 300;
  const stm = mode === 'one' ? one : mode === 'narrow' ? narrow : seq;
  const run = async () => { await Promise.all(cs.map(async (c) => { for (let i = 0; i < N; i++) { for (const s of stm(2)) { const r = await c.query(s); if (mode!=='seq') for (const k of Object.keys(r.rows[0])) JSON.stringify(r.rows[0][k]); } } })); };
  await run();
  const m0 = machine(), c0 = process.cpuUsage(), t0 = Date.now();
  await run();
  const dt = Date.now() - t0, cu = process.cpuUsage(c0), m = machine() - m0;
  console.log(mode, 'req/s', Math.round(10*N/dt*1000), 'client ms/req', ((cu.user+cu.system)/(10*N)/1000).toFixed(3), 'machine ms/req', (m*10/(10*N)).toFixed(3));
  for (const c of cs) await c.end();
})();
