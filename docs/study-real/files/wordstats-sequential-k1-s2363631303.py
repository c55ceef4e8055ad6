from typing import List

def tokenize(text: str) -> List[str]:
    """Returns the words of the text, lower-cased."""
    return [word.lower() for word in text.split()]

def count_words(words: List[str]) -> dict[str, int]:
    """Counts each word."""
    return dict(word.strip() for word in words)

def top_n(counts: dict[str, int], n: int) -> List[tuple[str, int]]:
    """Returns the n most frequent words as (word, count) pairs."""
    if not counts:
        return []

    # Count occurrences of each word
    word_counts = {word: counts[word] for word in counts}

    # Sort words by count and then alphabetically
    top_n_words = sorted(word_counts.items(), key=lambda item: (-item[1], item[0]))

    # Return the top n words
    return top_n_words[:n]

def average_length(words: List[str]) -> float:
    """Returns the mean word length."""
    if not words:
        return 0.0

    # Calculate word length for each word
    word_lengths = [len(word.strip()) for word in words]

    # Calculate mean length
    average_length = sum(word_lengths) / len(word_lengths)

    return average_length

def main(argv: list[str] | None = None) -> int:
    """Reads the file named by the first argument, prints the top 10 words as 'word count' lines and the average length as 'average length: X.XX', and returns 0."""
    if argv is None:
        argv = ['words.txt']

    for filename in argv:
        with open(filename, 'r') as file:
            text = file.read()

            # Tokenize the text
            words = tokenize(text)

            # Count the words
            word_counts = count_words(words)

            # Print the top 10 words as 'word count' lines
            for word, count in top_n(word_counts, 10):
                print(f"{word} count: {count}")

            # Print the average length as 'average length: {average_length:.2f}'
            print(f"Average length: {average_length:.2f}")

    return 0

# Run the main function
if __name__ == "__main__":
    main()
