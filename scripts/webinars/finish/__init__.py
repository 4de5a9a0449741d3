"""Finishing: what the site needs beyond the language builds, and publishing once every language built."""
