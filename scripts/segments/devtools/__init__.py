"""Tools for developing and checking the project: the data generator, the benchmark,
the CDNOW loaders and fits, the SQL linter, the country seeds and generated files."""
