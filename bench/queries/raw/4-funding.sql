-- Scenario 4, raw: the first $2 funding sources of the exchange ($1), in the order they were added.
select id, kind, amount_minor, currency, status from funding_source where exchange_id = $1 order by id limit $2
