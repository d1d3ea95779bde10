"""Cleaning: raw article text in, clean text, paragraphs and lifted metadata out."""

from storyline.clean.cleaner import clean
from storyline.clean.paragraphs import split_paragraphs

__all__ = ["clean", "split_paragraphs"]
