-- Scenario 4, raw: the budget totals of the exchange ($1) per currency: cost (PER_PARTICIPANT lines times
-- the travellers of all visits) and funding secured (GRANTED or RECEIVED).
with travellers as (
  select coalesce(sum(participant_count + accompanying_teacher_count), 0)::bigint as n from visit where exchange_id = $1
), money as (
  select b.currency, sum(case when b.basis = 'PER_PARTICIPANT' then b.amount_minor::bigint * t.n else b.amount_minor::bigint end) as cost, 0 as secured
    from budget_line b cross join travellers t
   where b.exchange_id = $1
   group by b.currency
  union all
  select currency, 0, coalesce(sum(amount_minor::bigint) filter (where status in ('GRANTED', 'RECEIVED')), 0)
    from funding_source
   where exchange_id = $1
   group by currency
)
select currency, sum(cost)::text as cost, sum(secured)::text as secured from money group by currency order by currency
