def greet(name: str) -> str:
    """Say hello (héllo, 你好 👋)."""
    return f"Hello, {name}!"
