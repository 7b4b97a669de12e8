"""Sweeps over parameter grids: ``qnnsym sweep SPEC`` (issue 8)."""
