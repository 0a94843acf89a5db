{#
    Custom categories: the active rows of the custom_category_rules seed
    compiled into one CASE, the first rule (lowest priority, then name) whose
    condition holds wins, else var('custom_category_default').

    A condition is checked before it reaches SQL, against an allow-list:
    - columns: the documented, non-PII columns of the given models, each
      compared with a value of its type (text and dates with 'quoted'
      values, numbers with numbers, booleans with true / false or alone);
    - operators: = <> != < <= > >=, [not] in (...), is [not] null,
      [not] between .. and .., [not] like '...', and, or, not, parentheses.
    Anything else (a function, a sub-query, a semicolon, a comment, an
    unknown column, a type mismatch) fails the build with a message naming
    the rule, so the seed cannot run arbitrary SQL.
#}
{% macro custom_category(rules_relation, columns, default) -%}
    {{ return(adapter.dispatch('custom_category', 'customer_classification')(rules_relation, columns, default)) }}
{%- endmacro %}

{% macro default__custom_category(rules_relation, columns, default) -%}
    {%- set rules = [] -%}
    {#- A unit test mocks the seed as a CTE, which cannot be read while
        compiling, and a linter compiles without seeds: there no rule applies
        (the rules are tested in tests/macros/assert_custom_category_rules.sql;
        in a build the seed always exists first, as the model refs it). -#}
    {%- set is_mocked = (rules_relation | string).startswith('__dbt__cte__') -%}
    {%- if execute and not is_mocked and load_relation(rules_relation) is not none -%}
        {%- set result = run_query(
            'select category, priority, condition from ' ~ rules_relation
            ~ ' where is_active order by priority, category'
        ) -%}
        {%- for row in result.rows -%}
            {%- do rules.append({'category': row[0], 'priority': row[1], 'condition': row[2]}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ custom_category_case(rules, columns, default) }}
{%- endmacro %}

{# The CASE for a list of rules ({category, priority, condition}), in order. #}
{% macro custom_category_case(rules, columns, default) -%}
    {%- if rules | length == 0 -%}
        {{ customer_classification.text_literal(default) }}
    {%- else -%}
    case
        {%- for rule in rules %}
        {%- set checked = custom_category_condition(rule.condition, columns) %}
        {%- if checked.error %}
            {{ exceptions.raise_compiler_error(
                "custom_category_rules: rule '" ~ rule.category ~ "' (priority " ~ rule.priority
                ~ "): " ~ checked.error ~ ". Condition: " ~ rule.condition
            ) }}
        {%- endif %}
        when {{ checked.sql }} then {{ customer_classification.text_literal(rule.category) }}
        {%- endfor %}
        else {{ customer_classification.text_literal(default) }}
    end
    {%- endif -%}
{%- endmacro %}

{#
    Checks one condition; returns {'sql': the condition with every column
    qualified, 'error': none} or {'sql': none, 'error': what is wrong}.
    `columns` maps each allowed column to {'sql': its qualified name, 'type':
    text / number / boolean / date}.
#}
{% macro custom_category_condition(condition, columns) -%}
    {%- set re = modules.re -%}
    {%- set token = "'(?:[^']|'')*'|-?[0-9]+(?:[.][0-9]+)?|<>|!=|<=|>=|=|<|>|[(),]|[A-Za-z_][A-Za-z0-9_]*" -%}
    {%- if condition is none or condition | trim == '' -%}
        {{ return({'sql': none, 'error': 'the condition is empty'}) }}
    {%- endif -%}
    {%- if not re.fullmatch('(?:\\s*(?:' ~ token ~ '))*\\s*', condition) -%}
        {{ return({'sql': none, 'error': 'only column names, values, comparisons, and / or / not and parentheses are allowed (a ; or comment or other character is not)'}) }}
    {%- endif -%}
    {%- set keyword_classes = {
        'and': 'b', 'or': 'b', 'not': 'n', 'in': 'i', 'is': 's', 'null': 'N', 'between': 'w',
        'like': 'l', 'true': 'k', 'false': 'k'
    } -%}
    {%- set type_classes = {'text': 'T', 'number': 'M', 'boolean': 'K', 'date': 'D'} -%}
    {%- set state = namespace(classes='', sql=[], error=none) -%}
    {%- for part in re.findall(token, condition) -%}
        {%- set lowered = part | lower -%}
        {%- if part[0] == "'" -%}
            {%- set state.classes = state.classes ~ 'q' -%}
            {%- do state.sql.append(part) -%}
        {%- elif re.fullmatch('-?[0-9].*', part) -%}
            {%- set state.classes = state.classes ~ '9' -%}
            {%- do state.sql.append(part) -%}
        {%- elif lowered in keyword_classes -%}
            {%- set state.classes = state.classes ~ keyword_classes[lowered] -%}
            {%- do state.sql.append(lowered) -%}
        {%- elif re.fullmatch('[A-Za-z_].*', part) -%}
            {%- if lowered not in columns -%}
                {%- if state.error is none -%}
                    {%- set state.error = "unknown column '" ~ part ~ "' (allowed: " ~ (columns.keys() | sort | join(', ')) ~ ")" -%}
                {%- endif -%}
            {%- else -%}
                {%- set state.classes = state.classes ~ type_classes[columns[lowered].type] -%}
                {%- do state.sql.append(columns[lowered].sql) -%}
            {%- endif -%}
        {%- elif part in ['(', ')', ','] -%}
            {%- set state.classes = state.classes ~ part -%}
            {%- do state.sql.append(part) -%}
        {%- else -%}
            {%- set state.classes = state.classes ~ 'o' -%}
            {%- do state.sql.append(part) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if state.error -%}
        {{ return({'sql': none, 'error': state.error}) }}
    {%- endif -%}
    {#- Reduce the classes: each predicate (operands of one type) to E, then
        not E, E and/or E and (E) to E; a valid condition ends as one E. -#}
    {%- set predicate = (
        "[Tq]o[Tq]|[M9]o[M9]|[Kk]o[Kk]|[Dq]o[Dq]"
        ~ "|Tn?i\\(q(?:,q)*\\)|Mn?i\\(9(?:,9)*\\)|Dn?i\\(q(?:,q)*\\)"
        ~ "|[TMKD]sn?N|Mn?w[M9]b[M9]|Dn?w[Dq]b[Dq]|Tn?lq|K"
    ) -%}
    {%- set reduced = namespace(classes=re.sub(predicate, 'E', state.classes)) -%}
    {%- for step in range(state.classes | length) -%}
        {%- set reduced.classes = re.sub('\\(E\\)|nE|EbE', 'E', reduced.classes) -%}
    {%- endfor -%}
    {%- if reduced.classes != 'E' -%}
        {{ return({'sql': none, 'error': 'not a valid condition: compare a column with a value of its type (=, <>, <, <=, >, >=, in, is null, between, like), joined by and / or / not and parentheses'}) }}
    {%- endif -%}
    {{ return({'sql': '(' ~ state.sql | join(' ') ~ ')', 'error': none}) }}
{%- endmacro %}

{#
    The columns a rule may name: the documented columns of `models` (the
    first model naming a column wins) except hashed or masked PII and
    `exclude`, each qualified by the alias given with its model.
#}
{% macro custom_category_columns(models, exclude=[]) -%}
    {%- set columns = {} -%}
    {%- set types = {'string': 'text', 'varchar': 'text', 'boolean': 'boolean', 'date': 'date', 'timestamp': 'date'} -%}
    {%- for model_name, alias in models -%}
        {%- for node in graph.get('nodes', {}).values() if node.resource_type == 'model' and node.name == model_name -%}
            {%- for name, column in node.columns.items() -%}
                {%- set is_pii = name.endswith('_hash') or name.endswith('_masked') -%}
                {%- if name not in columns and name not in exclude and not is_pii -%}
                    {%- do columns.update({name: {
                        'sql': alias ~ '.' ~ name,
                        'type': types.get((column.data_type or 'string') | lower, 'number'),
                    }}) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}
