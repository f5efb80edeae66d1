import pytest

from lrukit.cache import LRUCache
from lrukit.ttl import TTLCache


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_evicts_least_recent():
    evicted = []
    c = LRUCache(2, on_evict=lambda k, v: evicted.append(k))
    c.put("a", 1)
    c.put("b", 2)
    assert c.get("a") == 1
    c.put("c", 3)
    assert evicted == ["b"]
    assert c.keys() == ["c", "a"]


def test_hit_ratio_counts_misses():
    c = LRUCache(4)
    c.put(1, "one")
    c.get(1)
    c.get(2)
    assert c.hits == 1 and c.misses == 1
    assert c.hit_ratio() == pytest.approx(0.5)


def test_rejects_zero_capacity():
    with pytest.raises(ValueError):
        LRUCache(0)


def test_ttl_expiry():
    clock = FakeClock()
    t = TTLCache(capacity=8, ttl_seconds=5, clock=clock)
    t.set("k", "v")
    clock.now += 4.9
    assert t.lookup("k") == "v"
    clock.now += 0.2
    assert t.lookup("k") is None
    assert t.expired == 1


def test_purge_removes_only_stale():
    clock = FakeClock()
    t = TTLCache(ttl_seconds=10, clock=clock)
    t.set("old", 1)
    clock.now += 8
    t.set("new", 2)
    clock.now += 3
    assert t.purge() == 1
    assert len(t) == 1
