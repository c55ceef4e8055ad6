"""Semantic conflict analysis: tree-sitter queries, detectors and findings."""
