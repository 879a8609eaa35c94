-- Scenario 4, raw: the first $2 budget lines of the exchange ($1), in the order they were added.
select id, category, amount_minor, currency, basis from budget_line where exchange_id = $1 order by id limit $2
