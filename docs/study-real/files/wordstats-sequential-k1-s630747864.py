def tokenize(text: str) -> list[str]:
    """Returns the words of the text, lower-cased, where a word is a run of letters, digits or apostrophes."""
    return text.lower().split()

def count_words(words: list[str]) -> dict[str, int]:
    """Counts each word."""
    return {word: words.count(word) for word in words}

def top_n(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
    """Returns the n most frequent words as (word, count) pairs, most frequent first and ties in alphabetical order."""
    return sorted(counts.items(), key=lambda x: (-x[1], x[0]))

def average_length(words: list[str]) -> float:
    """Returns the mean word length, 0.0 for no words."""
    return sum(len(word) for word in words) / len(words) if words else 0.0

def main(argv: list[str] | None = None) -> int:
    """Reads the file named by the first argument, prints the top 10 words as 'word count' lines and the average length as 'average length: X.XX', and returns 0."""
    if argv:
        file_name = argv[0]
    else:
        file_name = "empty"

    with open(file_name, 'r') as file:
        words = tokenize(file.read())
        counts = count_words(words)
        top_n_words = top_n(counts, 10)
        average_length = average_length(words)

    for word, count in top_n_words:
        print(f"{word} {count}")

    return 0
