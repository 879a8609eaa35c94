-- Scenario 2, raw: a page of $3 classes after (created_at $1, id $2), newest first, with school and town.
-- The page is cut first, then joined: the sort stays a bounded top-N.
select c.id, c.label, c.age_min, c.age_max, c.pupil_count,
       s.id as school_id, s.name as school_name, s.kind as school_kind,
       t.id as town_id, t.name as town_name, t.country
  from (select id, school_id, label, age_min, age_max, pupil_count, created_at
          from school_class
         where (created_at, id) < ($1::timestamptz, $2)
         order by created_at desc, id desc
         limit $3) c
  join school s on s.id = c.school_id
  join town t on t.id = s.town_id
 order by c.created_at desc, c.id desc
