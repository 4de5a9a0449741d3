"""Finishing: what the site needs beyond the language builds, and atomic publishing."""
