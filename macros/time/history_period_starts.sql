{#
    The first day of every `period` ('week' from Monday, 'month', 'quarter' or
    'year') from the one containing date_from to the one containing date_to
    (YYYY-MM-DD or YYYY-MM), as ISO strings, computed when the project
    compiles; [] when date_from is not given. A Jinja macro: the list is fixed
    by the vars, so every adapter gets the same literal dates.
#}
{% macro history_period_starts(date_from, date_to, period) -%}
    {%- if not date_from -%}
        {{ return([]) }}
    {%- endif -%}
    {%- if period not in ['week', 'month', 'quarter', 'year'] -%}
        {{ exceptions.raise_compiler_error(
            "var history_period is '" ~ period ~ "': use week, month, quarter or year") }}
    {%- endif -%}
    {%- set first = _history_period_start(_history_date(date_from, 'history_from'), period) -%}
    {%- set last = _history_period_start(_history_date(date_to or date_from, 'history_to'), period) -%}
    {%- if last < first -%}
        {{ exceptions.raise_compiler_error(
            "var history_to (" ~ date_to ~ ") is before history_from (" ~ date_from ~ ")") }}
    {%- endif -%}
    {%- set starts = [] -%}
    {%- set current = namespace(start=first) -%}
    {%- for _ in range(10000) if current.start <= last -%}
        {%- do starts.append(current.start.isoformat()) -%}
        {%- if period == 'week' -%}
            {%- set current.start = current.start + modules.datetime.timedelta(days=7) -%}
        {%- else -%}
            {%- set months = {'month': 1, 'quarter': 3, 'year': 12}[period] -%}
            {%- set index = current.start.year * 12 + current.start.month - 1 + months -%}
            {%- set current.start = current.start.replace(year=index // 12, month=index % 12 + 1) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(starts) }}
{%- endmacro %}

{% macro _history_date(value, var_name) -%}
    {%- set text = value | string -%}
    {%- if text | length == 7 -%}
        {%- set text = text ~ '-01' -%}
    {%- endif -%}
    {%- set parsed = modules.re.match('^(\\d{4})-(\\d{2})-(\\d{2})$', text) -%}
    {%- if not parsed -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ var_name ~ " is '" ~ value ~ "': use YYYY-MM or YYYY-MM-DD") }}
    {%- endif -%}
    {{ return(modules.datetime.date(parsed.group(1) | int, parsed.group(2) | int, parsed.group(3) | int)) }}
{%- endmacro %}

{% macro _history_period_start(day, period) -%}
    {%- if period == 'week' -%}
        {{ return(day - modules.datetime.timedelta(days=day.weekday())) }}
    {%- elif period == 'month' -%}
        {{ return(day.replace(day=1)) }}
    {%- elif period == 'quarter' -%}
        {{ return(day.replace(month=((day.month - 1) // 3) * 3 + 1, day=1)) }}
    {%- else -%}
        {{ return(day.replace(month=1, day=1)) }}
    {%- endif -%}
{%- endmacro %}
