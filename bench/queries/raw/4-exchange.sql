-- Scenario 4, raw: the exchange ($1).
select id, title, status from exchange where id = $1
