"""Widgets for questions and their answers."""
