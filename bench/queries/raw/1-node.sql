-- Scenario 1, raw: one class by id ($1).
select id, label, grade, age_min, age_max, pupil_count, subjects, themes, looking_for_partners
  from school_class
 where id = $1
