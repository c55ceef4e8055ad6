def tokenize(text: str) -> list[str]:
    """Return the words of the text, lower-cased, where a word is a run of letters, digits or apostrophes."""
    return text.lower().split()

def count_words(words: list[str]) -> dict[str, int]:
    """Count each word."""
    return {word: words.count(word) for word in words}

def top_n(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
    """Return the n most frequent words as (word, count) pairs, most frequent first and ties in alphabetical order."""
    return sorted(counts.items(), key=lambda item: item[1], reverse=True)[:n]

def average_length(words: list[str]) -> float:
    """Return the mean word length, 0.0 for no words."""
    if not words:
        return 0.0
    return sum(len(word) for word in words) / len(words)

def main(argv: list[str] | None = None) -> int:
    """Read the file named by the first argument, prints the top 10 words as 'word count' lines and the average length as 'average length: X.XX', and returns 0."""
    if not argv:
        return 0
    text = argv[0]
    words = tokenize(text)
    counts = count_words(words)
    average = average_length(words)
    top_n = top_n(counts, 10)
    for word, count in top_n:
        print(f"{word} {count}")
    return average
