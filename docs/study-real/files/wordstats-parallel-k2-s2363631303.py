# Task
Write a Python module wordstats.py using only the standard library, with these functions: tokenize(text: str) -> list[str] returns the words of the text, lower-cased, where a word is a run of letters, digits or apostrophes; count_words(words: list[str]) -> dict[str, int] counts each word; top_n(counts: dict[str, int], n: int) -> list[tuple[str, int]] returns the n most frequent words as (word, count) pairs, most frequent first and ties in alphabetical order; average_length(words: list[str]) -> float is the mean word length, 0.0 for no words; main(argv: list[str] | None = None) -> int reads the file named by the first argument, prints the top 10 words as 'word count' lines and the average length as 'average length: X.XX', and returns 0.

# The file as it is now
(empty)

Write the skeleton for the Task above now, after what the file already holds: only the imports, types, constants and functions this Task needs, each function body a TODO marker.
