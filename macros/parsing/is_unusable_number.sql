{#
    True when an optional number was given (`has_text`: its cleaned text is not
    blank) but cannot be used: unparseable (`abc`, `12,50`) or negative. The
    base_ staging models record such a row as repaired (invalid_optional_number)
    and leave the value blank.
#}
{% macro is_unusable_number(has_text, parsed) -%}
    ({{ has_text }} and not coalesce({{ parsed }} >= 0, false))
{%- endmacro %}
