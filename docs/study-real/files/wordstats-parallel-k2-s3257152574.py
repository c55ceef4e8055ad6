import json
from typing import List, Dict


@dataclass
class Note:
    title: str
    body: str


def tokenize(text: str) -> List[str]:
    """Read the words of the text, lower-cased, where a word is a run of letters, digits or apostrophes."""
    return [word.lower() for word in text.split()]


def count_words(words: List[str]) -> Dict[str, int]:
    """Count each word."""
    return dict.fromkeys(words, 0)


def top_n(counts: Dict[str, int], n: int) -> List[tuple[str, int]]:
    """Return the n most frequent words as (word, count) pairs."""
    counts = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    return [item[0] for item in counts[:n]]

    (The outline above is still being written.)


def average_length(words: List[str]) -> float:
    """Return the mean word length, 0.0 for no words."""
    mean_length = sum(len(word) for word in words) / len(words)
    return mean_length


def main(argv: list[str] | None = None) -> int:
    """Read the file named by the first argument, prints the top 10 words as 'word count' lines and the average length as 'average length: X.XX', and returns 0."""
