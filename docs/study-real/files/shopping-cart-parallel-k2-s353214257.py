from typing import Dict, Tuple, NoReturn

class Cart:
    items: Dict[str, Tuple[float, int]]
