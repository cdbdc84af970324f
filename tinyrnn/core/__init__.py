"""Compute layer: torch, numpy and pandas only (no altair, no streamlit)."""
