import json
from dataclasses import dataclass


def tokenize(text: str) -> list[str]:
    """Read the words of the text, lower-cased, where a word is a run of letters, digits or apostrophes."""
    words = text.lower().split()
    return words
    return [word.lower() for word in text.replace("'", "").split() if word]


def count_words(words: list[str]) -> dict[str, int]:
    """Count each word."""
    # TODO(codecrdt:count_words ~12 lines): count the occurrences of each word
    return {word: words.count(word) for word in words}


def top_n(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
    """Return the n most frequent words as (word, count) pairs, most frequent first and ties in alphabetical order."""
    sorted_counts = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    return [(word, count) for word, count in sorted_counts[:n]]


def average_length(words: list[str]) -> float:
    """Calculate the mean word length."""
    # TODO(codecrdt:average_length ~12 lines): calculate the mean word length, return as a float
    if not words:
        return 0.0
    return sum(len(word) for word in words) / len(words)


def main(argv: list[str] | None = None) -> int:
    """Read the file named by the first argument, prints the top 10 words as 'word count' lines and the average length as 'average length: X.XX', and returns 0."""
    # TODO(codecrdt:main ~12 lines): check if an argument is provided, read the file, tokenize, count words, top_n, and average_length
    if not argv:
        return 0
    file_path = argv[0]
    with open(file_path, 'r') as file:
        text = file.read()
        words = tokenize(text)
        counts = count_words(words)
        top_n_count = top_n(counts, 10)
        average_length = average_length(words)
        print(' '.join(f'{word} {count}' for word, count in top_n_count))
        print(f'Average length: {average_length:.2f}')
    return 0
