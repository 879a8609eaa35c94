import type { Orm } from '../db';

/** Size of a generated data set: schools in real towns, classes per school. */
export type BenchScale = { schools: number; perSchool: number };

/**
 * Deterministic schools, classes, languages and availability at the requested
 * scale, generated in SQL (seconds, not minutes). Towns must be imported
 * first: schools go to towns of 3,000 inhabitants or more, spread by a fixed
 * stride over the towns ordered by population. Does nothing when the
 * database already holds that many schools; otherwise starts afresh.
 */
export async function generate(orm: Orm, { schools: SCHOOLS, perSchool: PER_SCHOOL }: BenchScale): Promise<void> {
  const conn = orm.em.getConnection();
  const [{ n: schools }] = await conn.execute<{ n: number }[]>('select count(*)::int as n from school');
  if (schools >= SCHOOLS) return;
  await conn.execute('truncate school, school_class, class_language, availability_window, language_pairing restart identity cascade');
  const t0 = Date.now();
  await conn.execute(`
    insert into school (town_id, name, kind, instruction_languages)
    select t.id, 'Bench school ' || g,
           (array['PRIMARY','LOWER_SECONDARY','UPPER_SECONDARY','VOCATIONAL'])[1 + (g % 4)],
           array[coalesce(cl.language, 'en')]
      from generate_series(1, ${SCHOOLS}) g
      join (select id, country, row_number() over (order by population desc, id) as rn from town where population >= 3000) t
        on t.rn = 1 + ((g::bigint * 7919) % (select count(*) from town where population >= 3000))
      left join lateral (select language from country_language where country = t.country
                          order by (official_status is not null) desc, population_percent desc, language limit 1) cl on true`);
  await conn.execute(`
    insert into school_class (school_id, label, age_min, age_max, pupil_count, subjects, themes, looking_for_partners, updated_at)
    select s.id, (7 + k % 4) || chr(65 + k), 10 + (s.id + k) % 7, 12 + (s.id + k) % 7, 14 + (s.id * 7 + k) % 18,
           array[(array['history','biology','geography','music','art','mathematics'])[1 + (s.id + k) % 6]],
           array[(array['ENVIRONMENT','FUTURE_OF_EUROPE','HUMAN_RIGHTS','PEACE','SPORT','CULTURE','DIGITAL'])[1 + (s.id * 3 + k) % 7]],
           (s.id + k) % 10 <> 0, now() - ((s.id + k) % 120) * interval '1 day'
      from school s cross join generate_series(0, ${PER_SCHOOL - 1}) k`);
  await conn.execute(`
    insert into class_language (class_id, language, role, level)
    select c.id, s.instruction_languages[1], 'INSTRUCTION', null from school_class c join school s on s.id = c.school_id`);
  await conn.execute(`
    insert into class_language (class_id, language, role, level)
    select c.id, l.language, 'LEARNING', (array['A1','A2','B1','B2','C1'])[1 + (c.id + l.i) % 5]
      from school_class c
      join school s on s.id = c.school_id
      cross join lateral (
        select x.language, x.i from unnest(array['en','fr','de','es','it','pl','sv','nl']) with ordinality x(language, i)
         where x.language <> s.instruction_languages[1] and (c.id * 31 + x.i * 17) % 8 < 2
      ) l
    on conflict do nothing`);
  await conn.execute(`
    insert into availability_window (class_id, starts_on, ends_on)
    select c.id, date '2027-03-01' + (c.id % 60), date '2027-03-01' + (c.id % 60) + 14 from school_class c where c.id % 3 = 0`);
  await conn.execute('analyze');
  process.stdout.write(`generated ${SCHOOLS} schools, ${SCHOOLS * PER_SCHOOL} classes in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

/**
 * Language pairings between classes of different schools, deterministic:
 * every second class proposes to a class picked by a fixed stride, in its
 * language of instruction for the partner's; statuses and modes cycle. The
 * partial unique index on open pairings drops the rare duplicate. Does
 * nothing when pairings exist. Returns the number of pairings.
 */
export async function generatePairings(orm: Orm): Promise<number> {
  const conn = orm.em.getConnection();
  const [{ n: existing }] = await conn.execute<{ n: number }[]>('select count(*)::int as n from language_pairing');
  if (existing > 0) return existing;
  const t0 = Date.now();
  await conn.execute(`
    insert into language_pairing (class_a_id, class_b_id, language_a, language_b, mode, status, unbalanced, created_at, updated_at)
    select a.id, b.id, la.language, lb.language,
           (array['TANDEM_VISIT','PEN_PALS','VIDEO','ETWINNING'])[1 + a.id % 4],
           (array['PROPOSED','ACCEPTED','ACTIVE','ACTIVE','ENDED','DECLINED'])[1 + (a.id / 2) % 6],
           false, now() - (a.id % 365) * interval '1 day', now() - (a.id % 200) * interval '1 day'
      from school_class a
      join lateral (select 1 + ((a.id::bigint * 7919) % (select max(id) from school_class)) as id) pick on true
      join school_class b on b.id = pick.id and b.school_id <> a.school_id
      join class_language la on la.class_id = a.id and la.role = 'INSTRUCTION'
      join class_language lb on lb.class_id = b.id and lb.role = 'INSTRUCTION'
     where a.id % 2 = 0
    on conflict do nothing`);
  await conn.execute('analyze language_pairing');
  const [{ n }] = await conn.execute<{ n: number }[]>('select count(*)::int as n from language_pairing');
  process.stdout.write(`generated ${n} language pairings in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  return n;
}

/** Exchanges of the bench data set. */
export const BENCH_EXCHANGES = 20_000;

/**
 * Deterministic exchanges, generated in SQL: exchange i joins the first
 * class (by id) of the i-th school (by id), the initiator, and the second
 * class of school 1 + ((i − 1) · 7919 + 13) mod n (a bijection with no fixed
 * point, so always another school). Every class is thus in at most one
 * generated exchange, and the visits of one exchange never overlap (dates
 * derived from the exchange id): the exclusion constraint
 * visit_guest_class_no_overlap always holds. Each exchange has a visit each
 * way, 1–3 goals with evaluation dates and 0–2 evaluations each, 2–6 budget
 * lines (some PER_PARTICIPANT, a few in SEK or PLN) and 1–3 funding sources.
 * Does nothing when the database holds that many exchanges; otherwise
 * starts the exchanges afresh. Returns the number of exchanges.
 */
export async function generateExchanges(orm: Orm, target = BENCH_EXCHANGES): Promise<number> {
  const conn = orm.em.getConnection();
  const [{ n: existing }] = await conn.execute<{ n: number }[]>('select count(*)::int as n from exchange');
  if (existing >= target) return existing;
  const t0 = Date.now();
  await conn.execute('truncate exchange, exchange_class, visit, visit_guest_class, goal, evaluation, budget_line, funding_source, exchange_event restart identity cascade');
  // One transaction: the temporary table lives until commit.
  await orm.em.transactional(async (em) => {
    const tx = em.getConnection();
    const ctx = em.getTransactionContext();
    const run = (sql: string) => tx.execute(sql, [], 'run', ctx);
    await run(`
      create temporary table bench_pair on commit drop as
      with s as (select id, row_number() over (order by id) as sn, count(*) over () as n from school),
           c as (select id, school_id, pupil_count, row_number() over (partition by school_id order by id) as rn from school_class)
      select s.sn::int as e, ca.id as class_a, ca.school_id as school_a, cb.id as class_b, cb.school_id as school_b,
             ca.pupil_count as pupils_a, cb.pupil_count as pupils_b
        from s
        join c ca on ca.school_id = s.id and ca.rn = 1
        join s s2 on s2.sn = 1 + ((s.sn - 1) * 7919 + 13) % s.n
        join c cb on cb.school_id = s2.id and cb.rn = 2
       where s.sn <= ${target}`);
    await run(`
      insert into exchange (id, title, description, themes, european_dimension, status, cancel_reason, version, created_at, updated_at)
      select e, 'Bench exchange ' || e, 'Two classes meet: a visit each way.',
             array[(array['ENVIRONMENT','FUTURE_OF_EUROPE','HUMAN_RIGHTS','PEACE','SPORT','CULTURE','DIGITAL','LANGUAGE_LEARNING'])[1 + e % 8]],
             'Pupils compare everyday life on both sides of Europe.',
             st.status, case when st.status = 'CANCELLED' then 'Bench: cancelled' end, 1 + e % 5,
             now() - (e % 700) * interval '1 day', now() - (e % 300) * interval '1 day'
        from bench_pair
        cross join lateral (select (array['AGREED','PLANNED','PLANNED','ONGOING','EVALUATING','COMPLETED','COMPLETED','CANCELLED'])[1 + e % 8] as status) st`);
    await run(`
      insert into exchange_class (exchange_id, class_id, school_id, role)
      select e, class_a, school_a, 'INITIATOR' from bench_pair
      union all
      select e, class_b, school_b, 'PARTNER' from bench_pair`);
    // Visit 2e − 1: class A goes to B's school; visit 2e: B comes back, 90 days later.
    await run(`
      insert into visit (id, exchange_id, host_school_id, starts_on, ends_on, participant_count, accompanying_teacher_count,
                         transport_mode, green_travel, accommodation)
      select 2 * e - 1 + k, e, case k when 0 then school_b else school_a end,
             date '2026-01-05' + (e % 500) + 90 * k, date '2026-01-05' + (e % 500) + 90 * k + 4 + e % 5,
             case k when 0 then pupils_a else pupils_b end, 1 + (e + k) % 3,
             m.mode, m.mode in ('TRAIN','BUS','BIKE','FERRY') and (e + k) % 3 <> 0,
             (array['HOST_FAMILIES','HOST_FAMILIES','HOSTEL','HOTEL'])[1 + (e + k) % 4]
        from bench_pair cross join generate_series(0, 1) k
        cross join lateral (select (array['TRAIN','BUS','TRAIN','PLANE','CAR_SHARE','FERRY'])[1 + (e * 3 + k) % 6] as mode) m`);
    await run(`
      insert into visit_guest_class (visit_id, class_id)
      select 2 * e - 1 + k, case k when 0 then class_a else class_b end from bench_pair cross join generate_series(0, 1) k`);
    await run(`
      insert into goal (id, exchange_id, description, indicator, target, evaluation_on)
      select 3 * (e - 1) + g, e, (array['Hold a five-minute conversation in the partner language','Present the partner town to the school','Write a shared report on the river'])[g],
             'pupils who can', (60 + 10 * g) || ' %', date '2026-01-05' + (e % 500) + 120 + 10 * g
        from bench_pair cross join generate_series(1, 3) g
       where g <= 1 + e % 3`);
    await run(`
      insert into evaluation (goal_id, evaluated_on, outcome, notes)
      select g.id, g.evaluation_on - 14 + 7 * k, 1 + (g.id + k) % 5, case when k = 0 then 'Mid-term check' end
        from goal g cross join generate_series(0, 1) k
       where k < g.id % 3
       order by g.id, k`);
    await run(`
      insert into budget_line (exchange_id, category, description, amount_minor, currency, basis)
      select e, (array['TRAVEL','ACCOMMODATION','ACTIVITIES','ORGANISATIONAL','INCLUSION_SUPPORT','OTHER'])[l],
             (array['Train tickets, return','Hostel nights','Museum and workshops','Coordination meeting','Support for pupils with needs','Insurance'])[l],
             (1000 + (e * 37 + l * 101) % 9000) * case when l in (1, 3) then 10 else 100 end,
             case when l = 6 and e % 4 = 0 then 'SEK' when l = 5 and e % 7 = 0 then 'PLN' else 'EUR' end,
             case when l in (1, 3) then 'PER_PARTICIPANT' else 'TOTAL' end
        from bench_pair cross join generate_series(1, 6) l
       where l <= 2 + e % 5
       order by e, l`);
    await run(`
      insert into funding_source (exchange_id, kind, description, amount_minor, currency, status)
      select e, (array['ERASMUS_PLUS','MUNICIPALITY','PARENTS'])[f], case when f = 1 then 'KA1 short-term mobility' end,
             (500 + (e * 53 + f * 211) % 5000) * 100, 'EUR',
             (array['PLANNED','APPLIED','GRANTED','RECEIVED','REJECTED'])[1 + (e + f) % 5]
        from bench_pair cross join generate_series(1, 3) f
       where f <= 1 + e % 3
       order by e, f`);
    for (const table of ['exchange', 'visit', 'goal']) {
      await run(`select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`);
    }
  });
  await conn.execute('analyze exchange, exchange_class, visit, visit_guest_class, goal, evaluation, budget_line, funding_source');
  const [{ n }] = await conn.execute<{ n: number }[]>('select count(*)::int as n from exchange');
  process.stdout.write(`generated ${n} exchanges with visits, goals, evaluations, budget lines and funding in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  return n;
}

/**
 * The database as autovacuum leaves one in use: the visibility map set
 * (index-only scans skip the heap) and statistics current. Freshly
 * generated tables have neither: scenario 5 of `npm run bench` then cost
 * the machine 88 ms of CPU per request instead of 67 (one run each,
 * bench/results/2026-11-28-bench-s5-start3.md and -s5-vacuum.md). Run
 * before every measurement.
 */
export async function vacuumAnalyze(orm: Orm): Promise<void> {
  await orm.em.getConnection().execute('vacuum analyze');
}
