"""Django forms of the performance pages, one module per view module."""
