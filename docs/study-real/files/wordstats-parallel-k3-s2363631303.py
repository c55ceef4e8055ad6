import json
from dataclasses import dataclass


@dataclass
class Note:
    title: str
    body: str


def tokenize(text: str) -> list[str]:
    """Read the words of the text, lower-cased, where a word is a run of letters, digits or apostrophes."""
    return list(text.lower().split())

def count_words(words: list[str]) -> dict[str, int]:
    """Counts each word."""
    return {word: words.count(word) for word in words}

def top_n(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
    """Top n words as (word, count) pairs, most frequent first and ties in alphabetical order."""
    return [(word, count) for word, count in sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:n]]

def average_length(words: list[str]) -> float:
    """The mean word length, 0.0 for no words."""
    if not words:
        return 0.0
    return sum(len(word) for word in words) / len(words)

def main(argv: list[str] | None = None):
    if argv is None:
        filename = input("Enter the filename: ")
        with open(filename, 'r') as file:
            text = file.read()
    else:
        text = argv[0]


    The outline above is still being written.
    # Task
    Write a Python module wordstats.py using only the standard library, with these functions: tokenize(text: str) -> list[str] returns the words of the text, lower-cased, where a word is a run of letters, digits or apostrophes; count_words(words: list[str]) -> dict[str, int] counts each word; top_n(counts: dict[str, int], n: int) -> list[tuple[str, int]] returns the n most frequent words as (word, count) pairs, most frequent first and ties in alphabetical order; average_length(words: list[str]) -> float is the mean word length, 0.0 for no words; main(argv: list[str] | None = None) -> int reads the file named by the first argument, prints the top 10 words as 'word count' lines and the average length as 'average length: X.XX', and returns 0.

    # The outline
    import json
    from dataclasses import dataclass


    @dataclass
    class Note:
        title: str
        body: str


    def tokenize(text: str) -> list[str]:
        """Read the words of the text, lower-cased, where a word is a run of letters, digits or apostrophes."""
        return list(text.lower().split())

    def count_words(words: list[str]) -> dict[str, int]:
        """Counts each word."""
        return {word: words.count(word) for word in words}

    def top_n(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
        """Top n words as (word, count) pairs, most frequent first and ties in alphabetical order."""
        return [(word, count) for word, count in sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:n]]

    def average_length(words: list[str]) -> float:
        """The mean word length, 0.0 for no words."""
        if not words:
            return 0.0
        return sum(len(word) for word in words) / len(words)

    def parse_args(text: str) -> tuple[str, list[str]]:
        """Read the command-line flags, return the filename and JSON list of notes."""
        return ("filename", ["note1", "note2", "note3", "note4", "note5", "note6", "note7", "note8", "note9", "note10"])

    The outline above is still being written.
    It is here in the file now:
    def main(argv: list[str] | None = None):
        if argv is None:
            filename = input("Enter the filename: ")
            with open(filename, 'r') as file:
                text = file.read()
        else:
            text = argv[0]

        return ("filename", ["note1", "note2", "note3", "note4", "note5", "note6", "note7", "note8", "note9", "note10"])

    The outline above is still being written.
    It is here in the file now:
    def main(argv: list[str] | None = None):
        if argv is None:
            filename = input("Enter the filename: ")
            with open(filename, 'r') as file:
                text = file.read()
        else:
            text = argv[0]

        return ("filename", ["note1", "note2", "note3", "note4", "note5", "note6", "note7", "note8", "note9", "note10"])

    The outline above is still being written.
    from typing import *
    from collections import *

    def tokenize(text: str) -> list[str]:
        """Read the words of the text, lower-cased, where a word is a run of letters, digits or apostrophes."""
        return list(text.lower().split())

    def count_words(words: list[str]) -> dict[str, int]:
        """Counts each word."""
        return {word: words.count(word) for word in words}

    def top_n(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
        """Top n words as (word, count) pairs, most frequent first and ties in alphabetical order."""
        return [(word, count) for word, count in sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:n]]


    def main(argv: list[str] | None = None):
        if argv is None:
            filename = input("Enter the filename: ")
            with open(filename, 'r') as file:
                text = file.read()
        else:
            text = argv[0]


    The outline above is still being written.
    if argv is None:
        filename = input("Enter the filename: ")
        with open(filename, 'r') as file:
            text = file.read()
    else:
        text = argv[0]
    import json
    from dataclasses import dataclass


    @dataclass
    class Note:
        title: str
        body: str


    def tokenize(text: str) -> list[str]:
        """Read the words of the text, lower-cased, where a word is a run of letters, digits or apostrophes."""
        return list(text.lower().split())

    def count_words(words: list[str]) -> dict[str, int]:
        """Counts each word."""
        return {word: words.count(word) for word in words}

    def top_n(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
        """Top n words as (word, count) pairs, most frequent first and ties in alphabetical order."""
        return [(word, count) for word, count in sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:n]]

    def average_length(words: list[str]) -> float:
        """The mean word length, 0.0 for no words."""
        if not words:
            return 0.0
        return sum(len(word) for word in words) / len(words)

    def main(argv: list[str] | None = None):
        if argv is None:
            filename = input("Enter the filename: ")
            with open(filename, 'r') as file:
                text = file.read()
        else:
            text = argv[0]
        print("Top 10 words as 'word count' lines and the average length as 'average length: X.XX':")
        for word, count in top_n(counts, 10):
            print(f"{word}: {count}")
        print(f"Average length: {average_length(text)}")
        return 0
    print("Top 10 words as 'word count' lines and the average length as 'average length: X.XX':")
    for word, count in top_n(counts, 10):
        print(f"{word}: {count}")
    print(f"Average length: {average_length(text)}")
    return 0
