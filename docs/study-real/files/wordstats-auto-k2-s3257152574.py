import string

def tokenize(text: str) -> list[str]:
    return [word for word in text.split() if all(char in string.ascii_letters or char in string.digits or char in string.punctuation for char in word)]

def count_words(words: list[str]) -> dict[str, int]:
    return {word: words.count(word) for word in words}

def top_n(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda x: (-x[1], x[0]))

def average_length(words: list[str]) -> float:
    return sum(len(word) for word in words) / len(words) if words else 0.0

def main(argv: list[str] | None = None) -> int:
    if len(argv) == 1:
        file_name = argv[0]
        with open(file_name, 'r') as file:
            text = file.read()
            words = tokenize(text)
            counts = count_words(words)
            top_n_words = top_n(counts, 10)
            average_length = average_length(words)
            for word, count in top_n_words:
                print(f"{word} count: {count}")
            print(f"Average length: {average_length:.2f}")
            return 0
    else:
        print("Please provide a file name as an argument.")
        return 1
