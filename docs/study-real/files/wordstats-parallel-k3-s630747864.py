import json
from dataclasses import dataclass
from typing import List


@dataclass
class Note:
    title: str
    body: str


def tokenize(text: str) -> List[str]:
    """Read the words of the text, lower-cased, where a word is a run of letters, digits or apostrophes."""
    from tokenize import tokenize
    from collections import defaultdict
    # return list of words
    # return list of words


def count_words(words: List[str]) -> dict[str, int]:
    """Count each word."""
    # TODO(codecrdt:count_words ~20 lines): count occurrences of each word, return dictionary
    # return dict of counts


def top_n(counts: dict[str, int], n: int) -> List[tuple[str, int]]:
    """Return the n most frequent words as (word, count) pairs, most frequent first and ties in alphabetical order."""
    # Sort counts in descending order
    sorted_counts = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    # Take the top n words
    top_n_words = sorted_counts[:n]
    return top_n_words
    # return list of top n words
    pass


def average_length(words: List[str]) -> float:
    """Calculate the average word length."""
    if not words:
        return 0.0
    total_length = sum(len(word) for word in words)
    count = len(words)
    return total_length / count
    # return mean word length
    pass


def main(argv: list[str] | None = None) -> int:
    """Read the file named by the first argument, prints the top 10 words as 'word count' lines and the average length as 'average length: X.XX', and returns 0."""
    # TODO(codecrdt:main ~10 lines): read the file, tokenize, count words, top_n, and print results
    # return 0
