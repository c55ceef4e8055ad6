import re
from collections import Counter

def tokenize(text: str) -> list[str]:
    return re.findall(r'\b[a-zA-Z0-9\']+\b', text.lower())

def count_words(words: list[str]) -> dict[str, int]:
    return Counter(words)

def top_n(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: item[1], reverse=True)[:n]

def average_length(words: list[str]) -> float:
    return sum(len(word) for word in words) / len(words) if words else 0.0

import sys
