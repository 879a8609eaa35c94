-- Scenario 2, raw: a page of $3 classes after (created_at $1, id $2), newest first, with school and town.
select c.id, c.label, c.age_min, c.age_max, c.pupil_count,
       s.id as school_id, s.name as school_name, s.kind as school_kind,
       t.id as town_id, t.name as town_name, t.country
  from school_class c
  join school s on s.id = c.school_id
  join town t on t.id = s.town_id
 where (c.created_at, c.id) < ($1::timestamptz, $2)
 order by c.created_at desc, c.id desc
 limit $3
