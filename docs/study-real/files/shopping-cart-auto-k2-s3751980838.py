from collections import defaultdict

class Cart:
    def __init__(self):
        self.items = defaultdict(int)
        self.total = 0
