-- Scenario 4, raw: the first $2 visits of the exchange ($1), earliest first, with the host school and its town.
select v.id, v.starts_on::text as starts_on, v.ends_on::text as ends_on, v.participant_count, v.transport_mode,
       s.id as school_id, s.name as school_name, t.name as town_name, t.country
  from visit v
  join school s on s.id = v.host_school_id
  join town t on t.id = s.town_id
 where v.exchange_id = $1
 order by v.starts_on, v.id
 limit $2
