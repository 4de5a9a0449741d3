"""The build stage: the only part of the project that knows Jupyter Book and Sphinx."""
