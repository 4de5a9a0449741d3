"""Build the multilingual site of the IP and development webinar programme.

The pipeline lives in :mod:`webinars.pipeline`; each stage has its own
sub-package: ``content`` (load and validate), ``assemble`` (one source tree per
language), ``build`` (Jupyter Book, the only place that imports it) and
``finish`` (root page, media, publishing once every language built).
"""
