{#
    Open leads graded A-D by their score: the best grade of the
    prospect_grades seed whose min_score the score reaches. One row per open
    lead created by the as-of date; won and lost leads are not open.
#}
with

leads as (

    select * from {{ ref('int_leads_scored') }}

),

grades as (

    select * from {{ ref('prospect_grades') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

best_grade_reached as (

    select
        leads.lead_id,
        max(grades.min_score) as grade_min_score
    from leads
    inner join grades
        on leads.prospect_score >= grades.min_score
    group by leads.lead_id

),

graded as (

    select
        leads.lead_id,
        as_of.as_of_date,
        leads.country_code,
        leads.sales_region,
        leads.industry,
        leads.lead_source,
        leads.lead_stage,
        cast(leads.created_at as date) as created_date,
        leads.days_since_last_activity,
        grades.grade,
        leads.prospect_score,
        leads.fit_score,
        leads.engagement_score,
        leads.company_size_points,
        leads.industry_points,
        leads.annual_revenue_points,
        leads.country_points,
        leads.email_opens_points,
        leads.site_visits_points,
        leads.demo_requested_points,
        leads.budget_confirmed_points,
        leads.last_activity_recency_points,
        leads.missing_inputs
    from leads
    cross join as_of
    left join best_grade_reached
        on leads.lead_id = best_grade_reached.lead_id
    left join grades
        on best_grade_reached.grade_min_score = grades.min_score

)

select * from graded
