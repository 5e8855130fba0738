"""Bundled example data: a primary-maths number-and-fractions strand and a class."""
