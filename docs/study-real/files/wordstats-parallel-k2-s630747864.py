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
    # TODO(codecrdt:top_n ~12 lines): sort the counts and return the top n words
    pass


def average_length(words: list[str]) -> float:
    """Calculate the average word length."""
    pass
    pass


def main(argv: list[str] | None = None) -> int:
    """Read the file named by the first argument, prints the top 10 words as 'word count' lines and the average length as 'average length: X.XX', and returns 0."""
    if len(argv) == 0:
        print("Usage: python wordstats.py <filename>")
        return 1

    file_path = argv[0]
    with open(file_path, 'r') as file:
        text = file.read()
        words = tokenize(text)
        counts = count_words(words)
        top_n_words = top_n(counts, 10)
        average_length = average_length(words)
        print("Top 10 words: " + " ".join(f"{word} {count}" for word, count in top_n_words))
        print(f"Average word length: {average_length:.2f}")
        return 0
    pass
