from typing import Dict, List, Tuple

def tokenize(text: str) -> List[str]:
    return text.lower().split()

def count_words(words: List[str]) -> Dict[str, int]:
    return dict.fromkeys(words, 0)

def top_n(counts: Dict[str, int], n: int) -> List[Tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: item[1], reverse=True)[:n]

def average_length(words: List[str]) -> float:
    if not words:
        return 0.0
    total_length = sum(len(word) for word in words)
    return total_length / len(words)

def main(argv: list[str] | None = None) -> int:
    if not argv:
        print("Usage: python wordstats.py filename")
        return 1

    filename = argv[0]
    with open(filename, 'r') as file:
        words = tokenize(file.read())
        counts = count_words(words)
        average_length = average_length(words)

    print("Top 10 words:")
    for word, count in top_n(counts, 10):
        print(f"{word} count: {count}")

    print(f"Average word length: {average_length:.4f}")
    return 0
