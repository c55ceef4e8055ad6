def tokenize(text: str) -> list[str]:
    """Returns the words of the text, lower-cased, where a word is a run of letters, digits or apostrophes."""
    return text.lower().split()

def count_words(words: list[str]) -> dict[str, int]:
    """Counts each word."""
    return {word: words.count(word) for word in words}

def top_n(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
    """Returns the n most frequent words as (word, count) pairs, most frequent first and ties in alphabetical order."""
    return sorted(counts.items(), key=lambda x: (-x[1], x[0]), reverse=True)[:n]

def average_length(words: list[str]) -> float:
    """Returns the mean word length, 0.0 for no words."""
    if not words:
        return 0.0
    return sum(len(word) for word in words) / len(words)

def main(argv: list[str] | None = None) -> int:
    """Reads the file named by the first argument, prints the top 10 words as 'word count' lines and the average length as 'average length: X.XX', and returns 0."""
    if not argv:
        return 0

    file_path = argv[0]
    with open(file_path, 'r') as file:
        text = file.read()

    words = tokenize(text)
    counts = count_words(words)
    average_length = average_length(words)

    print('\n'.join(f'{word} {count}' for word, count in counts.items()))
    print(f'Average length: {average_length:.2f}')

    return 0
