{# Prospect weights must sum to 100 (a score is 0-100) and the lowest grade
   start at 0 (every open lead has a grade). #}
select 'weights sum to ' || cast(sum(weight) as {{ dbt.type_string() }}) as problem
from {{ ref('prospect_score_weights') }}
having sum(weight) <> 100

union all

select 'the lowest grade starts at ' || cast(min(min_score) as {{ dbt.type_string() }}) as problem
from {{ ref('prospect_grades') }}
having min(min_score) <> 0
