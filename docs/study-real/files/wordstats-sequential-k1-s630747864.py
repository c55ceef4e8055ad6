import string
from collections import Counter

def tokenize(text: str) -> list[str]:
    return text.lower().split()

def count_words(words: list[str]) -> dict[str, int]:
    return Counter(words)

def top_n(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
    return [(word, count) for word, count in counts.most_common(n)]

def average_length(words: list[str]) -> float:
    return sum(len(word) for word in words) / len(words) if words else 0.0

def main(argv: list[str] | None = None):
    if argv:
        file_name = argv[0]
        try:
            with open(file_name, 'r') as file:
                words = tokenize(file.read())
        except FileNotFoundError:
            print(f"File {file_name} not found.")
            return 0
        except Exception as e:
            print(f"An error occurred: {e}")
            return 0
    else:
        file_name = 'empty'
        words = tokenize(file_name)

    top_words = top_n(counts, 10)
    average_length = average_length(words)

    print(' '.join(f"{word} {count}" for word, count in top_words))
    print(f"Average length: {average_length:.2f}")
    return 0
