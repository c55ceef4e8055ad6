import json
from dataclasses import dataclass


def tokenize(text: str) -> list[str]:
    """Read the words of the text, lower-cased, where a word is a run of letters, digits or apostrophes."""
    return text.lower().split()
    return [word.lower() for word in text.split() if word.isalpha() or word == "'"]


def count_words(words: list[str]) -> dict[str, int]:
    """Count each word."""
    # TODO(codecrdt:count_words ~4 lines): use a dictionary to count occurrences of each word
    return {word: words.count(word) for word in words}


def top_n(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
    """Return the n most frequent words as (word, count) pairs, most frequent first and ties in alphabetical order."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]


def average_length(words: list[str]) -> float:
    """Calculate the mean word length, 0.0 for no words."""
    # TODO(codecrdt:average_length ~4 lines): calculate the mean length of the words
    if not words:
        return 0.0
    return sum(len(word) for word in words) / len(words)


def main(argv: list[str] | None = None) -> int:
    """Read the file named by the first argument, prints the top 10 words as 'word count' lines and the average length as 'average length: X.XX', and returns 0."""
    # TODO(codecrdt:main ~12 lines): read the file, tokenize it, count words, top_n, and average_length
    # TODO(codecrdt:main-2 ~12 lines): print the results
    return 0
