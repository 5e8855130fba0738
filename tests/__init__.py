"""Test suite of personalise (see DESIGN.md section 4)."""
