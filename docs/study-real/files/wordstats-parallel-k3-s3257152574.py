import json
from collections import defaultdict


@dataclass
class Note:
    title: str
    body: str


def tokenize(text: str) -> list[str]:
    """Return the words of the text, lower-cased, where a word is a run of letters, digits or apostrophes."""
    from typing import *
    return text.split()
    return list(filter(lambda word: word.isalpha() or word == "'", text.lower().split(' ')))


def count_words(words: list[str]) -> dict[str, int]:
    """Count each word."""
    # TODO(codecrdt:count_words ~4 lines): count the occurrences of each word in the list
    return defaultdict(int), dict((word, 1) for word in words)


def top_n(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
    """Return the n most frequent words as (word, count) pairs, most frequent first and ties in alphabetical order."""


    def average_length(words: list[str]) -> float is the mean word length, 0.0 for no words.


    def main(argv: list[str] | None = None) -> int:
        """Read the file named by the first argument, prints the top 10 words as 'word count' lines and the average length as 'average length: X.XX', and returns 0."""
        pass
    sorted_counts = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    return [(word, count) for word, count in sorted_counts[:n]]


def average_length(words: list[str]) -> float is the mean word length, 0.0 for no words.
