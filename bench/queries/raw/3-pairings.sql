-- Scenario 3, raw: the newest $2 pairings of each class ($1: class ids), on
-- either side, with both classes and their schools.
select x.class_id, p.id, p.status, p.mode, p.language_a, p.language_b,
       ca.id as a_id, ca.label as a_label, sa.id as a_school_id, sa.name as a_school_name,
       cb.id as b_id, cb.label as b_label, sb.id as b_school_id, sb.name as b_school_name
  from (
    select class_id, id, row_number() over (partition by class_id order by id desc) as rn
      from (select class_a_id as class_id, id from language_pairing where class_a_id = any($1::int[])
            union all
            select class_b_id as class_id, id from language_pairing where class_b_id = any($1::int[])) sides
  ) x
  join language_pairing p on p.id = x.id
  join school_class ca on ca.id = p.class_a_id
  join school sa on sa.id = ca.school_id
  join school_class cb on cb.id = p.class_b_id
  join school sb on sb.id = cb.school_id
 where x.rn <= $2
 order by x.class_id, p.id desc
