-- Scenario 2, raw: the languages of the classes of the page ($1: their ids).
select class_id, language, role, level
  from class_language
 where class_id = any($1::int[])
 order by class_id, role, language
