"""Time-aware cache: entries expire a fixed number of seconds after insertion."""

import time

from .cache import LRUCache


class TTLCache:
    def __init__(self, capacity=128, ttl_seconds=60.0, clock=time.monotonic):
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        self._inner = LRUCache(capacity)
        self._ttl = float(ttl_seconds)
        self._clock = clock
        self.expired = 0

    def set(self, key, value):
        deadline = self._clock() + self._ttl
        self._inner.put(key, (deadline, value))

    def lookup(self, key, default=None):
        entry = self._inner.get(key)
        if entry is None:
            return default
        deadline, value = entry
        if self._clock() >= deadline:
            self._inner.pop(key)
            self.expired += 1
            return default
        return value

    def purge(self):
        """Drop every expired entry and return how many were removed."""
        now = self._clock()
        stale = [k for k in self._inner.keys() if self._inner.get(k)[0] <= now]
        for k in stale:
            self._inner.pop(k)
        self.expired += len(stale)
        return len(stale)

    def __len__(self):
        return len(self._inner)


def memoize(ttl_seconds=30.0, capacity=256):
    """Decorator caching a function's results by positional arguments."""

    def wrap(fn):
        store = TTLCache(capacity, ttl_seconds)
        missing = object()

        def inner(*args):
            found = store.lookup(args, missing)
            if found is not missing:
                return found
            result = fn(*args)
            store.set(args, result)
            return result

        inner.cache = store
        inner.__name__ = fn.__name__
        inner.__doc__ = fn.__doc__
        return inner

    return wrap
