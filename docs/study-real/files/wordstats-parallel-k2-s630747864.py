# Task
import sys
from collections import defaultdict
from math import sqrt
from typing import List
from statistics import mean
from typing import Dict
from typing import Tuple
