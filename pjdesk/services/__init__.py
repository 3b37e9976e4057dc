"""Use cases: the only API the UI and the command line call. Each returns plain data and what it changed."""
