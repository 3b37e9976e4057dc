"""Records, rules, periods and validation: the standard library and python-stdnum only, no Qt, no SQL."""
