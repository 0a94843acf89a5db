{#
    One history, one period length and one set of rules: fails when
    customer_segment_history holds periods of two lengths or two rule
    versions (remove_stale_history_periods replaces such periods), or a
    period without the fingerprint of its data.
#}
select
    count(distinct history_period) as period_lengths,
    count(distinct rule_version) as rule_versions,
    count(case when data_fingerprint is null then 1 end) as rows_without_fingerprint
from {{ ref('customer_segment_history') }}
having
    count(distinct history_period) > 1
    or count(distinct rule_version) > 1
    or count(case when data_fingerprint is null then 1 end) > 0
