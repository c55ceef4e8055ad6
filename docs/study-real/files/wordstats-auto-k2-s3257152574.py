import re

def tokenize(text: str) -> list[str]:
    """Returns the words of the text, lower-cased, where a word is a run of letters, digits or apostrophes."""
    words = re.findall(r'\b[a-zA-Z0-9\s]*\b', text.lower())
    return words

def count_words(words: list[str]) -> dict[str, int]:
    """Counts each word."""
    word_count = {}
    for word in words:
        if word in word_count:
            word_count[word] += 1
        else:
            word_count[word] = 1
    return word_count

def top_n(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
    """Returns the n most frequent words as (word, count) pairs, most frequent first and ties in alphabetical order."""
    sorted_words = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return sorted_words[:n]

def average_length(words: list[str]) -> float:
    """Returns the mean word length, 0.0 for no words."""
    if not words:
        return 0.0
    total_length = sum(len(word) for word in words)
    return total_length / len(words)

def main(argv: list[str] | None = None) -> int:
    """Reads the file named by the first argument, prints the top 10 words as 'word count' lines and the average length as 'average length: X.XX', and returns 0."""
    if not argv:
        return 0

    file_name = argv[0]
    try:
        with open(file_name, 'r') as file:
            text = file.read()
            words = tokenize(text)
            word_count = count_words(words)
            top_n_words = top_n(word_count, 10)
            average_length = average_length(words)
            print(' '.join(f'{word} {count}' for word, count in top_n_words))
            print(f'Average length: {average_length:.2f}')
    except FileNotFoundError:
        print("File not found.")
    except Exception as e:
        print(f"An error occurred: {e}")
    return 0
