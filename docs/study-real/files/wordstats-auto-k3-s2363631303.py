import re

def tokenize(text: str) -> list[str]:
    return text.lower().split()

def count_words(words: list[str]) -> dict[str, int]:
    from collections import Counter
    return Counter(words)

def top_n(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
    if not counts:
        return []

    sorted_counts = sorted(counts.items(), key=lambda x: x[1], reverse=True)

    top_n_words = []
    for word, count in sorted_counts[:n]:
        top_n_words.append((word, count))

    return top_n_words

def average_length(words: list[str]) -> float:
    return sum(len(word) for word in words) / len(words) if words else 0.0

def main(argv: list[str] | None = None) -> int:
    if not argv:
        return 0

    file_name = argv[0]
    with open(file_name, 'r') as file:
        text = file.read()

    words = tokenize(text)
    counts = count_words(words)
    average_length = average_length(words)

    top_n_words = top_n(counts, 10)

    print(' '.join(f'{word} {count}' for word, count in top_n_words))
    print(f'Average length: {average_length:.2f}')

    return 0
