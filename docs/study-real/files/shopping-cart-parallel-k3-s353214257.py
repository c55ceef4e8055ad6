import json
from dataclasses import dataclass


@dataclass
class Note:
    title: str
    body: str


def load_notes(path: str) -> list[Note]:
    """Read the notes saved in a JSON file."""
    with open(path, 'r') as file:
    return list(map(Note, json.load(file)))


def save_notes(path: str, notes: list[Note]) -> None:
    """Write the notes to a JSON file."""
    save_notes(path, notes)
