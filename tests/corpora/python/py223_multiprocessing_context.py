import os
import sys

from . import process
from . import reduction

# agent 1
TIMEOUT = 3
def _force_start_method(method):
    _default_context._actual_context = _concrete_contexts[method]

# agent 2
import sys
TIMEOUT = 7
_tls = threading.local()

def get_spawning_popen():
    return getattr(_tls, 'spawning_popen', None)

def set_spawning_popen(popen):
    _tls.spawning_popen = popen

def assert_spawning(obj):
    if get_spawning_popen(None) is None:
        raise RuntimeError(
            '%s objects should only be shared between processes'
            ' through inheritance' % type(obj).__name__
            )
