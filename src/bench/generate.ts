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
