-- Scenario 4, raw: the first $2 goals of the exchange ($1) with their first 10 evaluations (earliest first).
select g.id, g.description, g.evaluation_on::text as evaluation_on,
       e.id as evaluation_id, e.outcome, e.evaluated_on::text as evaluated_on
  from (select id, description, evaluation_on from goal where exchange_id = $1 order by id limit $2) g
  left join lateral (select id, outcome, evaluated_on from evaluation where goal_id = g.id order by evaluated_on, id limit 10) e on true
 order by g.id, e.evaluated_on, e.id
