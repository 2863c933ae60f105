"""Evaluation of each extractor against gold data."""
