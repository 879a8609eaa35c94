-- Scenario 3, raw: the school's first $2 classes, newest first.
select id, label
  from school_class
 where school_id = $1
 order by created_at desc, id desc
 limit $2
