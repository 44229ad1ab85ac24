"""sitegen: a static site generator for a Chinese policy-news archive."""

__version__ = "0.1.0"
