"""A bounded least-recently-used cache built on a doubly linked list."""

from threading import RLock


class _Node:
    __slots__ = ("key", "value", "prev", "next")

    def __init__(self, key=None, value=None):
        self.key = key
        self.value = value
        self.prev = None
        self.next = None


class LRUCache:
    """Map keys to values, evicting the least recently used entry when full.

    All operations are O(1). The cache is safe to share between threads.
    """

    def __init__(self, capacity=128, on_evict=None):
        if capacity <= 0:
            raise ValueError("capacity must be positive")
        self.capacity = capacity
        self.on_evict = on_evict
        self.hits = 0
        self.misses = 0
        self._map = {}
        self._lock = RLock()
        # Sentinel nodes: head.next is the most recent, tail.prev the oldest.
        self._head = _Node()
        self._tail = _Node()
        self._head.next = self._tail
        self._tail.prev = self._head

    def _unlink(self, node):
        node.prev.next = node.next
        node.next.prev = node.prev

    def _push_front(self, node):
        node.prev = self._head
        node.next = self._head.next
        self._head.next.prev = node
        self._head.next = node

    def get(self, key, default=None):
        with self._lock:
            node = self._map.get(key)
            if node is None:
                self.misses += 1
                return default
            self.hits += 1
            self._unlink(node)
            self._push_front(node)
            return node.value

    def put(self, key, value):
        with self._lock:
            node = self._map.get(key)
            if node is not None:
                node.value = value
                self._unlink(node)
                self._push_front(node)
                return
            node = _Node(key, value)
            self._map[key] = node
            self._push_front(node)
            if len(self._map) > self.capacity:
                oldest = self._tail.prev
                self._unlink(oldest)
                del self._map[oldest.key]
                if self.on_evict is not None:
                    self.on_evict(oldest.key, oldest.value)

    def pop(self, key, default=None):
        with self._lock:
            node = self._map.pop(key, None)
            if node is None:
                return default
            self._unlink(node)
            return node.value

    def clear(self):
        with self._lock:
            self._map.clear()
            self._head.next = self._tail
            self._tail.prev = self._head

    def keys(self):
        """Return keys from most to least recently used."""
        with self._lock:
            out = []
            node = self._head.next
            while node is not self._tail:
                out.append(node.key)
                node = node.next
            return out

    def __contains__(self, key):
        return key in self._map

    def __len__(self):
        return len(self._map)

    def hit_ratio(self):
        total = self.hits + self.misses
        return self.hits / total if total else 0.0

    def __repr__(self):
        return "LRUCache(capacity={}, size={}, hits={}, misses={})".format(
            self.capacity, len(self), self.hits, self.misses
        )
