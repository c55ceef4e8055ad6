from typing import *
from collections import *

def tokenize(text: str) -> list[str]:
    return text.lower().split()

def count_words(words: list[str]) -> dict[str, int]:
    return Counter(words)

def top_n(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda x: (-x[1], x[0]))

def average_length(words: list[str]) -> float:
    if not words:
        return 0.0
    return sum(len(word) for word in words) / len(words)

def main(argv: list[str] | None = None) -> int:
    if len(argv) == 0:
        return 0

    file_path = argv[0]
    with open(file_path, 'r') as file:
        text = file.read()
        words = tokenize(text)
        counts = count_words(words)
        average_length = average_length(words)
        top_n_words = top_n(counts, 10)
        result = ' '.join(f'{word} {count}' for word, count in top_n_words)
        print(f'Top 10 words as "word count" lines and the average length as "average length: {average_length:.2f}": {result}')
        return 0
