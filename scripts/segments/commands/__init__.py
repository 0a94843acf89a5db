"""One module per `segments` command: its options and a call into the library."""
