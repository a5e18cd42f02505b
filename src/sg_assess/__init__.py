"""sg-assess: child safeguarding assessments in the terminal."""

__version__ = "0.1.0"
