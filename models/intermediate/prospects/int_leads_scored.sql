{#
    The score of each open lead created by the as-of date: every factor's
    value turned into 0-1 points by the prospect_score_points seed (a
    category, or a band lower_bound <= value < upper_bound, an empty bound
    open), weighted by prospect_score_weights (weights sum to 100) into the
    fit and engagement parts. A missing value scores 0 points and is named
    in missing_inputs.
#}
with

leads as (

    select * from {{ ref('stg_crm__leads') }}
    where is_open

),

countries as (

    select * from {{ ref('countries') }}

),

sales_regions as (

    select * from {{ ref('sales_regions') }}

),

weights as (

    select * from {{ ref('prospect_score_weights') }}

),

points as (

    select * from {{ ref('prospect_score_points') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

leads_as_of as (

    select
        leads.*,
        sales_regions.sales_region,
        {{ days_between('cast(leads.last_activity_at as date)', 'as_of.as_of_date') }}
            as days_since_last_activity
    from leads
    cross join as_of
    left join countries
        on leads.country_code = countries.country_code
    left join sales_regions
        on countries.subregion = sales_regions.subregion
    where cast(leads.created_at as date) <= as_of.as_of_date

),

{# One row per lead and factor: a number, or a category as text. #}
factor_values as (

    {%- set factors = [
        ('company_size', 'company_size', none),
        ('industry', none, 'industry'),
        ('annual_revenue', 'annual_revenue', none),
        ('country', none, 'sales_region'),
        ('email_opens', 'email_opens', none),
        ('site_visits', 'site_visits', none),
        ('demo_requested', none, 'has_requested_demo'),
        ('budget_confirmed', none, 'has_confirmed_budget'),
        ('last_activity_recency', 'days_since_last_activity', none),
    ] %}
    {%- for factor, number, category in factors %}
    select
        lead_id,
        '{{ factor }}' as factor,
        {{ dbt.cast(number or 'null', type_double()) }} as number_value,
        {{ dbt.cast(category or 'null', dbt.type_string()) }} as category_value
    from leads_as_of
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

points_assigned as (

    select
        factor_values.lead_id,
        factor_values.factor,
        weights.score_part,
        weights.weight,
        factor_values.number_value is null and factor_values.category_value is null as is_missing,
        cast(coalesce(max(points.points), 0) as decimal(5, 4)) as points
    from factor_values
    inner join weights
        on factor_values.factor = weights.factor
    left join points
        on
            factor_values.factor = points.factor
            and (
                factor_values.category_value = points.category
                or (
                    points.category is null
                    and factor_values.number_value >= coalesce(points.lower_bound, factor_values.number_value)
                    and (points.upper_bound is null or factor_values.number_value < points.upper_bound)
                )
            )
    group by
        factor_values.lead_id,
        factor_values.factor,
        weights.score_part,
        weights.weight,
        factor_values.number_value,
        factor_values.category_value

),

scores_summed as (

    select
        lead_id,
        {%- for factor, number, category in factors %}
        max(case when factor = '{{ factor }}' then points end) as {{ factor }}_points,
        {%- endfor %}
        cast(sum(case when score_part = 'fit' then weight * points else 0 end) as decimal(9, 4)) as fit_score,
        cast(sum(case when score_part = 'engagement' then weight * points else 0 end) as decimal(9, 4))
            as engagement_score,
        cast(sum(weight * points) as decimal(9, 4)) as prospect_score,
        {{ sorted_listagg('case when is_missing then factor end', "', '") }} as missing_inputs
    from points_assigned
    group by lead_id

),

final as (

    select
        leads_as_of.lead_id,
        leads_as_of.country_code,
        leads_as_of.sales_region,
        leads_as_of.industry,
        leads_as_of.lead_source,
        leads_as_of.lead_stage,
        leads_as_of.created_at,
        leads_as_of.days_since_last_activity,
        {%- for factor, number, category in factors %}
        scores_summed.{{ factor }}_points,
        {%- endfor %}
        scores_summed.fit_score,
        scores_summed.engagement_score,
        scores_summed.prospect_score,
        scores_summed.missing_inputs
    from leads_as_of
    inner join scores_summed
        on leads_as_of.lead_id = scores_summed.lead_id

)

select * from final
