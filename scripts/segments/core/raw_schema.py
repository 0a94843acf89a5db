"""The raw input contract: every raw table, its columns, which are required.

This module is the single source of truth shared by the generator (which writes
these files), the loader (which validates and loads them into the `raw` schema),
the reference docs (`segments.devtools.reference_docs`) and dbt
(`segments.devtools.raw_dbt_files` writes the sources yml and the `raw_tables()`
macro the base and audit models read). Tests fail when a committed file differs
from what is generated from this module.

Files are named after the table: `orders.csv` or `orders.parquet`. Only
`orders` is required; every other table may be absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Types are the logical types the staging models parse to. CSV files are loaded
# as text; staging parses each value and quarantines the rows it cannot use.
TEXT = "text"
INTEGER = "integer"
DECIMAL = "decimal"
DATE = "date"
TIMESTAMP = "timestamp"
BOOLEAN = "boolean"
NUMBER_TYPES = (INTEGER, DECIMAL)

# What a parseable number looks like, for the loader's file check and the
# staging macros alike (`value_patterns()`, generated into the raw registry):
# the symbols and spaces dropped from a number first, a number written with
# thousands separators (a comma in any other place is a decimal comma: not a
# number), and an integer: digits and a sign, with at most a `.0` (as pandas
# writes a whole-number float). `2.5`, `1e3`, `0x10` are not integers.
NUMBER_SYMBOLS_PATTERN = "[$€£¥\\s]"
GROUPED_NUMBER_PATTERN = "[+-]?[0-9]{1,3}(,[0-9]{3})+([.][0-9]*)?"
INTEGER_PATTERN = "[+-]?[0-9]+([.]0*)?"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    required: bool = False
    pii: bool = False
    # Digits after the point of a decimal column, as staging stores it.
    scale: int = 2


@dataclass(frozen=True)
class Table:
    name: str
    source: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    required: bool = False
    extra: dict[str, str] = field(default_factory=dict)
    # The column whose latest value dates the table (dbt source freshness).
    loaded_at: str | None = None

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def number_columns(self) -> list[str]:
        return [column.name for column in self.columns if column.type in NUMBER_TYPES]

    @property
    def required_columns(self) -> list[str]:
        return [column.name for column in self.columns if column.required]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name!r}")


def _c(name: str, type_: str, description: str, **kwargs: bool | int) -> Column:
    return Column(name, type_, description, **kwargs)


# What each source system is, for the dbt sources.
SOURCES: dict[str, str] = {
    "crm": "CRM system: customers, leads, share-of-wallet estimates and sales reps.",
    "shop": "Order system: orders, order lines and the product catalogue.",
    "web": "Web and app tracking: behaviour events.",
    "billing": "Billing system: invoices and payments.",
    "support": "Support desk: tickets.",
    "finance": "Finance: exchange rates to the reporting currency.",
}

TABLES: tuple[Table, ...] = (
    Table(
        "customers",
        "crm",
        "CRM customer master: one row per customer account, with PII.",
        ("customer_id",),
        (
            _c("customer_id", TEXT, "Customer key.", required=True),
            _c("full_name", TEXT, "Contact or company name.", pii=True),
            _c("email", TEXT, "Contact email.", pii=True),
            _c("phone", TEXT, "Contact phone.", pii=True),
            _c("customer_type", TEXT, "b2b or b2c."),
            _c("birth_date", DATE, "Birth date (B2C)."),
            _c("gender", TEXT, "female / male / other / unknown."),
            _c("annual_income", DECIMAL, "Annual income in reporting currency (B2C)."),
            _c("education", TEXT, "Highest education level (B2C)."),
            _c("occupation", TEXT, "Occupation (B2C)."),
            _c("industry", TEXT, "Industry (B2B)."),
            _c(
                "business_type",
                TEXT,
                "B2B business type: retailer, manufacturer, trading company, cross-border "
                "seller, wholesaler, distributor, service provider (spellings in the "
                "business_types seed).",
            ),
            _c("company_size", INTEGER, "Employees (B2B)."),
            _c("country", TEXT, "Country: ISO 3166 alpha-2 or alpha-3 code or English name."),
            _c("city", TEXT, "City."),
            _c("signup_at", TIMESTAMP, "Account creation time (ISO 8601; offset allowed)."),
            _c("acquisition_channel", TEXT, "Channel that acquired the customer."),
            _c("referred_by_customer_id", TEXT, "Customer who referred this one."),
        ),
        loaded_at="signup_at",
    ),
    Table(
        "orders",
        "shop",
        "Orders: one row per order, amounts in the order currency.",
        ("order_id",),
        (
            _c("order_id", TEXT, "Order key.", required=True),
            _c("customer_id", TEXT, "Customer who placed the order.", required=True),
            _c("ordered_at", TIMESTAMP, "Order time (ISO 8601; offset allowed).", required=True),
            _c("amount", DECIMAL, "Gross order amount in `currency`.", required=True),
            _c(
                "status",
                TEXT,
                "completed (default), cancelled, returned, or refund (alias credit_note): "
                "money paid back, recorded as its own row (see Refunds and credit notes).",
            ),
            _c("currency", TEXT, "ISO 4217 code; default the reporting currency."),
            _c("returned_amount", DECIMAL, "Amount refunded; default all of it when returned."),
            _c("shipping_cost", DECIMAL, "Shipping cost borne by the seller, in `currency`."),
            _c("channel", TEXT, "web / app / store / sales_rep."),
            _c("refunds_order_id", TEXT, "For a refund: the order it pays back (optional)."),
        ),
        required=True,
        loaded_at="ordered_at",
    ),
    Table(
        "order_items",
        "shop",
        "Order lines: one row per order line.",
        ("order_id", "line_number"),
        (
            _c("order_id", TEXT, "Order key.", required=True),
            _c("line_number", INTEGER, "Line number within the order.", required=True),
            _c("product_id", TEXT, "Product key.", required=True),
            _c("category", TEXT, "Product category (default: the product's)."),
            _c("quantity", INTEGER, "Units.", required=True),
            _c("unit_price", DECIMAL, "Price per unit in the order currency.", required=True),
            _c("unit_cost", DECIMAL, "Cost per unit in the order currency."),
        ),
    ),
    Table(
        "products",
        "shop",
        "Product catalogue: one row per product.",
        ("product_id",),
        (
            _c("product_id", TEXT, "Product key.", required=True),
            _c("product_name", TEXT, "Name."),
            _c("category", TEXT, "Category."),
            _c("list_price", DECIMAL, "List price in reporting currency."),
            _c("unit_cost", DECIMAL, "Standard unit cost in reporting currency."),
        ),
    ),
    Table(
        "leads",
        "crm",
        "Prospects / leads that have not bought yet: one row per lead.",
        ("lead_id",),
        (
            _c("lead_id", TEXT, "Lead key.", required=True),
            _c("contact_name", TEXT, "Contact name.", pii=True),
            _c("contact_email", TEXT, "Contact email.", pii=True),
            _c("company_name", TEXT, "Company."),
            _c("country", TEXT, "Country (code or name)."),
            _c("industry", TEXT, "Industry."),
            _c("company_size", INTEGER, "Employees."),
            _c("annual_revenue", DECIMAL, "Company annual revenue, reporting currency."),
            _c("lead_source", TEXT, "Where the lead came from."),
            _c("stage", TEXT, "new / contacted / qualified / proposal / negotiation / won / lost."),
            _c("created_at", TIMESTAMP, "Lead creation time."),
            _c("last_activity_at", TIMESTAMP, "Last engagement."),
            _c("email_opens", INTEGER, "Marketing emails opened."),
            _c("site_visits", INTEGER, "Website visits."),
            _c("demo_requested", BOOLEAN, "Asked for a demo."),
            _c("budget_confirmed", BOOLEAN, "Budget confirmed."),
            _c("converted_customer_id", TEXT, "Customer id once won."),
        ),
        loaded_at="created_at",
    ),
    Table(
        "events",
        "web",
        "Web / app behaviour events: one row per event.",
        ("event_id",),
        (
            _c("event_id", TEXT, "Event key.", required=True),
            _c("customer_id", TEXT, "Customer (blank for anonymous visitors)."),
            _c(
                "event_type",
                TEXT,
                "view / add_to_cart / favorite / checkout / purchase.",
                required=True,
            ),
            _c("product_id", TEXT, "Product concerned."),
            _c("occurred_at", TIMESTAMP, "Event time.", required=True),
            _c("device", TEXT, "ios / android / web."),
            _c("country", TEXT, "Country (code or name)."),
            _c("city", TEXT, "City."),
        ),
        loaded_at="occurred_at",
    ),
    Table(
        "invoices",
        "billing",
        "Invoices and their payment: one row per invoice.",
        ("invoice_id",),
        (
            _c("invoice_id", TEXT, "Invoice key.", required=True),
            _c("customer_id", TEXT, "Billed customer.", required=True),
            _c("order_id", TEXT, "Order invoiced."),
            _c("issued_date", DATE, "Issue date (of its FX rate).", required=True),
            _c("due_date", DATE, "Payment due date.", required=True),
            _c("paid_date", DATE, "Payment date; blank while unpaid."),
            _c("amount", DECIMAL, "Invoice amount in `currency`.", required=True),
            _c("currency", TEXT, "ISO 4217 code; default the reporting currency."),
        ),
        loaded_at="issued_date",
    ),
    Table(
        "tickets",
        "support",
        "Support tickets: one row per ticket.",
        ("ticket_id",),
        (
            _c("ticket_id", TEXT, "Ticket key.", required=True),
            _c("customer_id", TEXT, "Customer.", required=True),
            _c("opened_at", TIMESTAMP, "Opened.", required=True),
            _c("closed_at", TIMESTAMP, "Closed; blank while open."),
            _c("category", TEXT, "Topic: delivery / billing / product / complaint / other."),
            _c("satisfaction_score", INTEGER, "CSAT 1-5 given at closing."),
        ),
        loaded_at="opened_at",
    ),
    Table(
        "fx_rates",
        "finance",
        "Exchange rates: one row per currency and date.",
        ("currency", "rate_date"),
        (
            _c("currency", TEXT, "ISO 4217 code.", required=True),
            _c("rate_date", DATE, "Date the rate applies from.", required=True),
            _c(
                "rate_to_reporting",
                DECIMAL,
                "Reporting-currency units per unit.",
                required=True,
                scale=8,
            ),
        ),
        loaded_at="rate_date",
    ),
    Table(
        "wallet_estimates",
        "crm",
        "Share-of-wallet inputs: the customer's estimated total category spend.",
        ("customer_id",),
        (
            _c("customer_id", TEXT, "Customer.", required=True),
            _c(
                "estimated_annual_spend", DECIMAL, "Estimated annual category spend.", required=True
            ),
            _c("currency", TEXT, "ISO 4217 code; default the reporting currency."),
            _c("estimated_at", DATE, "When the estimate was made."),
        ),
        loaded_at="estimated_at",
    ),
    Table(
        "sales_reps",
        "crm",
        "Sales representatives and their capacity: one row per rep.",
        ("rep_id",),
        (
            _c("rep_id", TEXT, "Rep key.", required=True),
            _c("rep_name", TEXT, "Name.", pii=True),
            _c("region", TEXT, "Region covered."),
            _c("capacity_accounts", INTEGER, "Accounts the rep can cover.", required=True),
            _c("is_active", BOOLEAN, "Currently employed."),
        ),
    ),
)

TABLES_BY_NAME: dict[str, Table] = {table.name: table for table in TABLES}


def table(name: str) -> Table:
    try:
        return TABLES_BY_NAME[name]
    except KeyError:
        known = ", ".join(TABLES_BY_NAME)
        raise KeyError(f"unknown raw table {name!r}; known tables: {known}") from None
