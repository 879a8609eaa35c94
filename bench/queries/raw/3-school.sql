-- Scenario 3, raw: the school ($1) and its town.
select s.id, s.name, s.kind, t.name as town_name, t.country
  from school s
  join town t on t.id = s.town_id
 where s.id = $1
