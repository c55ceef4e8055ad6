import json
from dataclasses import dataclass


def tokenize(text: str) -> list[str]:
    """Read the text and return the words of the text, lower-cased, where a word is a run of letters, digits or apostrophes."""
    return text.lower().split()
    pass


def count_words(words: list[str]) -> dict[str, int]:
    """Count each word in the list."""
    from collections import Counter
    pass


def top_n(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
    """Return the n most frequent words as (word, count) pairs, most frequent first and ties in alphabetical order."""
    return [(word, count) for word, count in counts.items() if count == n]
    pass


def average_length(words: list[str]) -> float:
    """Calculate the average word length."""
    return sum(len(word) for word in words) / len(words)
    pass


def main(argv: list[str] | None = None) -> int:
    """Read the file named by the first argument, prints the top 10 words as 'word count' lines and the average length as 'average length: X.XX', and returns 0."""
    # TODO(codecrdt:main ~12 lines): check if an argument is provided, if not, read the file from the default path
    # TODO(codecrdt:main-2 ~12 lines): tokenize the text
    # TODO(codecrdt:main-3 ~12 lines): count the words
    # TODO(codecrdt:main-4 ~12 lines): top_n the words
    # TODO(codecrdt:main-5 ~12 lines): average_length the words
    print("Top 10 words: ")
    for word, count in top_n(count, 10):
        print(f"{word} count: {count}")
    return 0
