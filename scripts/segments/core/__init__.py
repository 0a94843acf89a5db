"""The foundation every layer reads: errors, the project and its settings, the raw
contract, the PII salt, SQL and Markdown helpers. Imports nothing else of the package."""
