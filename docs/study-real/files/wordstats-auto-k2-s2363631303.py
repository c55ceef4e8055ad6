from collections import Counter
import sys

def tokenize(text: str) -> list[str]:
    # Convert text to lowercase and split into words
    return text.lower().split()

def count_words(words: list[str]) -> dict[str, int]:
    # Count occurrences of each word
    return Counter(words)

def top_n(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
    # Return top n words and their counts
    top_n_words = counts.most_common(n)
    return [(word, count) for word, count in top_n_words]

def average_length(words: list[str]) -> float:
    # Calculate average word length
    if not words:
        return 0.0
    total_length = sum(len(word) for word in words)
    return total_length / len(words)

def main(argv: list[str] | None = None):
    # Check if a file argument is provided
    if not argv:
        print("Usage: wordstats.py filename")
        sys.exit(1)

    # Read the file and calculate statistics
    with open(argv[0], 'r') as file:
        text = file.read()
        words = tokenize(text)
        counts = count_words(words)
        average_length = average_length(words)

    # Print results
    print(f"Top 10 words: {', '.join(f'{word} {count}' for word, count in top_n(counts, 10))}")
    print(f"Average word length: {average_length:.4f}")
    return 0

if __name__ == "__main__":
    main()
