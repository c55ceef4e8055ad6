"""CodeCRDT: several LLM agents writing one file at once through a shared CRDT document."""

__version__ = "0.1.0"
