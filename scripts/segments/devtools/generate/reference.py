"""Reference data of the generator: the fixed calendar, id spaces, countries, currencies,
names, product vocabulary and the dirty-row rates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.dtypes import StringDType

from segments.core import pii

# The data window: every clean timestamp falls inside it (UTC), whatever today is.
WINDOW_START = date(2023, 1, 1)


WINDOW_END = date(2025, 12, 31)


REPORTING_CURRENCY = "USD"


FORMATS = ("csv", "parquet")


CHUNK_SIZE = 20_000


# Customer numbers above this range are reserved for injected rows (see `_ID_SPACES`).
MAX_CUSTOMERS = 10_000_000


MANIFEST_NAME = pii.DEMO_DATA_MANIFEST


Frame = dict[str, np.ndarray]


Rng = np.random.Generator


TEXT = StringDType()


_DAY = 86_400


_EPOCH = date(1970, 1, 1)


_START_DAY = (WINDOW_START - _EPOCH).days


_END_DAY = (WINDOW_END - _EPOCH).days


WINDOW_DAYS = _END_DAY - _START_DAY + 1


START_S = _START_DAY * _DAY


END_S = (_END_DAY + 1) * _DAY  # exclusive: the first second after the window


# Stream for the tables that do not depend on the chunk (products, fx, reps).
_GLOBAL_STREAM = 2**31


# First number of each id space for rows that must never collide with real ones.
_ID_SPACES = {"extra_customer": 90_000_001, "unknown_customer": 80_000_001}


# Ids of each kind a chunk of CHUNK_SIZE customers may hand out (its block; far
# above what a chunk uses). With MAX_CUSTOMERS / CHUNK_SIZE chunks, the blocks
# fit the ids' digits and the two injected customer spaces do not meet.
_IDS_PER_CHUNK = {
    "order": 1_000_000,
    "event": 1_000_000,
    "invoice": 1_000_000,
    "ticket": 100_000,
    "lead": 100_000,
    "extra_customer": 10_000,
    "unknown_customer": 10_000,
    "refund": 100_000,
    "ghost_order": 10_000,
}


@dataclass(frozen=True)
class Country:
    iso2: str
    iso3: str
    name: str
    currency: str
    region: str
    utc_offset: str
    phone_prefix: str
    company_suffix: str
    weight: float
    cities: tuple[str, ...]


COUNTRIES: tuple[Country, ...] = (
    Country(
        "US", "USA", "United States", "USD", "North America", "-05:00", "+1", "Inc", 0.30,
        ("New York", "Los Angeles", "Chicago", "Houston", "Seattle", "Boston", "Austin"),
    ),
    Country(
        "CA", "CAN", "Canada", "CAD", "North America", "-05:00", "+1", "Ltd", 0.06,
        ("Toronto", "Vancouver", "Montreal", "Calgary", "Ottawa"),
    ),
    Country(
        "GB", "GBR", "United Kingdom", "GBP", "Europe", "+00:00", "+44", "Ltd", 0.10,
        ("London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Bristol"),
    ),
    Country(
        "DE", "DEU", "Germany", "EUR", "Europe", "+01:00", "+49", "GmbH", 0.10,
        ("Berlin", "München", "Hamburg", "Köln", "Frankfurt"),
    ),
    Country(
        "FR", "FRA", "France", "EUR", "Europe", "+01:00", "+33", "SAS", 0.08,
        ("Paris", "Lyon", "Marseille", "Toulouse", "Bordeaux"),
    ),
    Country(
        "ES", "ESP", "Spain", "EUR", "Europe", "+01:00", "+34", "SL", 0.05,
        ("Madrid", "Barcelona", "Valencia", "Sevilla", "Bilbao"),
    ),
    Country(
        "NL", "NLD", "Netherlands", "EUR", "Europe", "+01:00", "+31", "BV", 0.04,
        ("Amsterdam", "Rotterdam", "Utrecht", "The Hague", "Eindhoven"),
    ),
    Country(
        "SG", "SGP", "Singapore", "SGD", "Asia Pacific", "+08:00", "+65", "Pte Ltd", 0.03,
        ("Singapore",),
    ),
    Country(
        "AU", "AUS", "Australia", "AUD", "Asia Pacific", "+10:00", "+61", "Pty Ltd", 0.06,
        ("Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide"),
    ),
    Country(
        "BR", "BRA", "Brazil", "BRL", "Latin America", "-03:00", "+55", "Ltda", 0.06,
        ("São Paulo", "Rio de Janeiro", "Brasília", "Belo Horizonte", "Curitiba"),
    ),
    Country(
        "IN", "IND", "India", "INR", "Asia Pacific", "+05:30", "+91", "Pvt Ltd", 0.07,
        ("Mumbai", "Delhi", "Bengaluru", "Chennai", "Hyderabad", "Pune"),
    ),
    Country(
        "CN", "CHN", "China", "CNY", "Asia Pacific", "+08:00", "+86", "Co Ltd", 0.05,
        ("Shanghai", "Beijing", "Shenzhen", "Guangzhou", "Hangzhou"),
    ),
)  # fmt: skip


# Reporting-currency units per unit, around which the monthly rates walk.
FX_LEVELS: dict[str, float] = {
    "USD": 1.0,
    "CAD": 0.74,
    "GBP": 1.26,
    "EUR": 1.08,
    "SGD": 0.74,
    "AUD": 0.66,
    "BRL": 0.19,
    "INR": 0.012,
    "CNY": 0.14,
}


CURRENCIES: tuple[str, ...] = tuple(FX_LEVELS)


REGIONS: tuple[str, ...] = ("North America", "Europe", "Asia Pacific", "Latin America")


# Seasonality: relative order intensity per calendar month (Nov/Dec peak, summer dip).
MONTH_WEIGHTS = (0.90, 0.85, 0.95, 0.95, 0.95, 0.72, 0.70, 0.85, 1.00, 1.05, 1.55, 1.85)


FIRST_NAMES = (
    "Anna", "James", "Maria", "Wei", "Priya", "Lucas", "Sofia", "Mohammed", "Emma", "Noah",
    "Olivia", "Liam", "Yuki", "Carlos", "Fatima", "Hannah", "Arjun", "Chloe", "Mateo", "Isabella",
    "Ethan", "Aisha", "Lena", "Jonas", "Camille", "Diego", "Grace", "Ravi", "Mei", "Oliver",
)  # fmt: skip


LAST_NAMES = (
    "Smith", "Johnson", "Garcia", "Muller", "Martin", "Rossi", "Silva", "Kumar", "Chen", "Wang",
    "Brown", "Jones", "Dubois", "Fernandez", "Jansen", "Tanaka", "Patel", "Singh", "Lopez",
    "Schmidt", "Taylor", "Wilson", "Nguyen", "Kim", "Santos", "Moreau", "Bakker", "Clark",
)  # fmt: skip


COMPANY_WORDS = (
    "Northwind", "Bluepeak", "Silverline", "Redwood", "Brightpath", "Ironclad", "Summit",
    "Evergreen", "Keystone", "Harbor", "Lumen", "Vertex", "Pioneer", "Cobalt", "Meridian",
)  # fmt: skip


COMPANY_SECTORS = (
    "Logistics", "Systems", "Foods", "Retail", "Labs", "Partners", "Industries", "Health",
    "Studios", "Supply", "Analytics", "Builders",
)  # fmt: skip


EMAIL_DOMAINS = ("example-mail.com", "mail.example.org", "example.net", "inbox.example.com")


GENDERS = (("female", 0.47), ("male", 0.47), ("other", 0.02), ("unknown", 0.04))


EDUCATION = ("high_school", "vocational", "bachelor", "master", "doctorate")


OCCUPATIONS = (
    "engineer", "teacher", "nurse", "designer", "accountant", "student", "retired", "manager",
    "sales", "developer", "lawyer", "chef", "driver", "consultant", "self_employed",
)  # fmt: skip


INDUSTRIES = (
    "software", "manufacturing", "retail", "healthcare", "finance", "logistics", "education",
    "hospitality", "construction", "media",
)  # fmt: skip


# B2B business types as CRMs spell them (the business_types seed reads each).
BUSINESS_TYPE_SPELLINGS = (
    "Retailer", "retail", "Manufacturer", "manufacturer", "Trading Company", "trading_company",
    "Cross-border seller", "Wholesaler", "wholesale", "Distributor", "Service provider",
)  # fmt: skip


ACQUISITION_B2C = (("organic_search", 0.3), ("paid_search", 0.25), ("social", 0.2),
                   ("email", 0.1), ("affiliate", 0.05), ("direct", 0.1))  # fmt: skip


ACQUISITION_B2B = (("organic_search", 0.2), ("paid_search", 0.15), ("sales_outreach", 0.35),
                   ("email", 0.1), ("direct", 0.1), ("affiliate", 0.1))  # fmt: skip


ORDER_CHANNELS = ("web", "app", "store", "sales_rep")


CHANNEL_WEIGHTS_B2C = (0.55, 0.30, 0.15, 0.0)


CHANNEL_WEIGHTS_B2B = (0.45, 0.05, 0.0, 0.50)


DEVICES = ("ios", "android", "web")


TICKET_CATEGORIES = (("delivery", 0.35), ("billing", 0.2), ("product", 0.25),
                     ("complaint", 0.1), ("other", 0.1))  # fmt: skip


LEAD_STAGES = (("new", 0.20), ("contacted", 0.20), ("qualified", 0.15), ("proposal", 0.10),
               ("negotiation", 0.05), ("won", 0.12), ("lost", 0.18))  # fmt: skip


_WON = [label for label, _ in LEAD_STAGES].index("won")


_LOST = [label for label, _ in LEAD_STAGES].index("lost")


LEAD_SOURCES = ("web_form", "event", "referral", "cold_outreach", "partner", "content_download")


PRODUCT_ADJECTIVES = (
    "Classic", "Pro", "Eco", "Smart", "Deluxe", "Compact", "Ultra", "Essential", "Premium", "Urban",
)  # fmt: skip


# category -> (nouns, median list price in USD)
PRODUCT_CATEGORIES: dict[str, tuple[tuple[str, ...], float]] = {
    "electronics": (("Headphones", "Speaker", "Charger", "Keyboard", "Monitor"), 90.0),
    "home_kitchen": (("Blender", "Kettle", "Pan Set", "Knife Block", "Lamp"), 45.0),
    "fashion": (("Jacket", "Sneakers", "Backpack", "Scarf", "Watch"), 60.0),
    "sports_outdoors": (("Tent", "Yoga Mat", "Bike Helmet", "Water Bottle", "Trainers"), 40.0),
    "beauty": (("Serum", "Shampoo", "Perfume", "Face Cream", "Hair Dryer"), 25.0),
    "toys_games": (("Puzzle", "Board Game", "Building Set", "Plush Bear", "Drone"), 30.0),
    "books_media": (("Novel", "Cookbook", "Atlas", "Vinyl Record", "Comic"), 18.0),
    "office": (("Desk Chair", "Notebook Set", "Pen Pack", "Paper Ream", "Organizer"), 35.0),
}


PRODUCTS_PER_CATEGORY = 25


# Dirty-row rates per chunk (each reason also gets one guaranteed row per chunk).
CUSTOMER_DEFECT_RATES = {
    "missing_key": 0.001,
    "test_account": 0.002,
    "invalid_email": 0.003,
    "exact_duplicate": 0.002,
    "conflicting_duplicate": 0.002,
}


ORDER_DEFECT_RATE = 0.001  # per quarantine reason


ORDER_DUPLICATE_RATE = 0.001  # per kind: exact and conflicting


REFUND_RATE = 0.01  # of orders: a clean credit note (generate/refunds.py)


REFUND_ONLY_RATE = 0.002  # of customers: a credit note and no order


LINE_DUPLICATE_RATE = 0.0005  # order_items and events


LINE_DEFECT_RATE = 0.0005  # order_items: per reason (invalid_number, out_of_range)
LINE_DEFECT_FIRST = 1000  # the line numbers of the defective extra lines start here
INVALID_QUANTITIES = ("2.5", "1e3", "0x10")  # no integers
OUT_OF_RANGE_QUANTITY = "10000000"  # above var value_limits' order_items.quantity


ORDER_DEFECTS = (
    "missing_key",
    "unknown_customer",
    "non_positive_amount",
    "absurd_amount",
    "future_date",
    "invalid_timestamp",
    "invalid_number",
    "unknown_currency",
    "out_of_range",
)


INVALID_TIMESTAMPS = ("not a date", "2024-13-45", "2024-02-30T10:00:00Z", "31/02/2024 25:00")


INVALID_NUMBERS = ("abc", "12.34.56", "n/a", "NaN", "inf")


UNKNOWN_CURRENCY = "ZZZ"


ABSURD_AMOUNT_MIN = 10_000_000  # USD; clean orders stay below 50,000 USD


OUT_OF_RANGE_AMOUNTS = ("1000000000000.00", "1e12", "99999999999999999999")


TEST_EMAIL_DOMAIN = "test.invalid"
