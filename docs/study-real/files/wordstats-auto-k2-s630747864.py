from typing import Dict, List

def tokenize(text: str) -> List[str]:
    """
    Tokenizes the text into words, lower-cased, where a word is a run of letters,
    digits or apostrophes.
    """
    import re
    words = re.findall(r'\b[a-zA-Z0-9\']+|\W+', text.lower())
    return words

def count_words(words: List[str]) -> Dict[str, int]:
    """
    Counts each word.
    """
    word_count = {}
    for word in words:
        if word in word_count:
            word_count[word] += 1
        else:
            word_count[word] = 1
    return word_count

def top_n(counts: Dict[str, int], n: int) -> List[tuple[str, int]]:
    """
    Returns the n most frequent words as (word, count) pairs, most frequent first and ties in alphabetical order.
    """
    sorted_counts = sorted(counts.items(), key=lambda x: (-x[1], x[0]))
    return sorted_counts[:n]

def average_length(words: List[str]) -> float:
    """
    Returns the mean word length, 0.0 for no words.
    """
    if not words:
        return 0.0
    total_length = sum(len(word) for word in words)
    return total_length / len(words)

def main(argv: list[str] | None = None) -> int:
    """
    Reads the file named by the first argument, prints the top 10 words as 'word count' lines and
    the average length as 'average length: X.XX', and returns 0.
    """
    if not argv:
        raise ValueError("No file provided as an argument.")

    file_path = argv[0]

    try:
        with open(file_path, 'r') as file:
            text = file.read()
            words = tokenize(text)
            word_count = count_words(words)
            average_length = average_length(words)

            print("Top 10 words:")
            for word, count in top_n(word_count, 10):
                print(f"{word}: {count}")

            print(f"Average word length: {average_length:.2f}")
    except FileNotFoundError:
        print(f"File '{file_path}' not found.")
    except Exception as e:
        print(f"An error occurred: {e}")
    return 0
