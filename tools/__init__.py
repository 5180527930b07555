"""Small check scripts that `make check` runs (and the tests exercise)."""
