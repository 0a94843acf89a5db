{# The composite score's weights must sum to 1 (so the score stays in 0-1). #}
select sum(weight) as total_weight
from {{ ref('composite_weights') }}
having abs(sum(weight) - 1) > 0.000001
