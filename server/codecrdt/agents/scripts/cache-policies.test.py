"""What cache_policies.py must do, from the task's spec (cache-policies.toml).

Run by ``codecrdt.bench.functional`` in a folder that holds the generated file as
``cache_policies.py``. Interface assumed: ``LRUCache(capacity)``, ``LFUCache(capacity)``,
``FIFOCache(capacity)``, ``TTLCache(capacity, ttl, clock=...)`` with get/put/delete/clear,
``len`` and ``in`` and a ``stats`` object (hits, misses, evictions, expirations, hit_rate);
``memoize``; the workload generators ``zipf_keys``, ``uniform_keys``, ``scan_keys``,
``mixed_keys``; ``benchmark(caches, keys, threads)``; ``main(argv)``.
"""

from __future__ import annotations

import importlib
import threading
from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def cp() -> ModuleType:
    return importlib.import_module("cache_policies")


def test_the_common_protocol(cp: ModuleType) -> None:
    for cache in (cp.LRUCache(3), cp.LFUCache(3), cp.FIFOCache(3), cp.TTLCache(3, 60.0)):
        cache.put("a", 1)
        cache.put("b", 2)
        assert cache.get("a") == 1
        assert cache.get("zzz") is None
        assert cache.get("zzz", "default") == "default"
        assert "a" in cache and "zzz" not in cache
        assert len(cache) == 2
        assert cache.delete("a") is True
        assert "a" not in cache and len(cache) == 1
        cache.clear()
        assert len(cache) == 0 and cache.get("b") is None


def test_lru_evicts_the_least_recently_used(cp: ModuleType) -> None:
    cache = cp.LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")  # b is now the least recently used
    cache.put("c", 3)
    assert "b" not in cache
    assert cache.get("a") == 1 and cache.get("c") == 3
    assert cache.stats.evictions == 1


def test_lru_rewrite_refreshes_a_key(cp: ModuleType) -> None:
    cache = cp.LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("a", 10)
    cache.put("c", 3)
    assert "b" not in cache and cache.get("a") == 10


def test_lfu_evicts_the_least_frequent_ties_by_recency(cp: ModuleType) -> None:
    cache = cp.LFUCache(3)
    for key in "abc":
        cache.put(key, key)
    cache.get("a")
    cache.get("a")
    cache.get("c")  # counts: a 3, b 1, c 2
    cache.put("d", "d")
    assert "b" not in cache
    assert {"a", "c", "d"} <= {k for k in "abcd" if k in cache}
    cache.get("d")  # counts: a 3, c 2, d 2: c and d tie, c used longer ago
    cache.put("e", "e")
    assert "c" not in cache and "d" in cache and "a" in cache


def test_fifo_evicts_the_oldest_whatever_its_use(cp: ModuleType) -> None:
    cache = cp.FIFOCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")
    cache.put("a", 11)  # neither a read nor a rewrite makes a younger
    cache.put("c", 3)
    assert "a" not in cache and cache.get("b") == 2 and cache.get("c") == 3


def test_ttl_entries_expire_on_the_injected_clock(cp: ModuleType) -> None:
    now = [1000.0]
    cache = cp.TTLCache(10, ttl=5.0, clock=lambda: now[0])
    cache.put("a", 1)
    now[0] += 3
    cache.put("b", 2)
    assert cache.get("a") == 1
    now[0] += 2.5  # a was written 5.5 s ago, b 2.5 s ago
    assert cache.get("a") is None and "a" not in cache
    assert cache.get("b") == 2
    now[0] += 10
    assert "b" not in cache


def test_capacity_is_never_exceeded(cp: ModuleType) -> None:
    for cache in (cp.LRUCache(5), cp.LFUCache(5), cp.FIFOCache(5), cp.TTLCache(5, 60.0)):
        for key in range(50):
            cache.put(key, key)
            cache.get(key % 7)
        assert len(cache) == 5
        assert cache.stats.evictions == 45


@pytest.mark.parametrize("capacity", [0, -1, 1.5])
def test_a_bad_capacity_is_refused(cp: ModuleType, capacity: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        cp.LRUCache(capacity)


def test_statistics(cp: ModuleType) -> None:
    cache = cp.LRUCache(2)
    cache.put("a", 1)
    cache.get("a")
    cache.get("a")
    cache.get("b")
    assert (cache.stats.hits, cache.stats.misses) == (2, 1)
    assert cache.stats.hit_rate == pytest.approx(2 / 3)
    now = [0.0]
    ttl = cp.TTLCache(4, ttl=1.0, clock=lambda: now[0])
    ttl.put("x", 1)
    now[0] = 2.0
    ttl.put("y", 2)  # x is dropped on its way (or on the next purge)
    if hasattr(ttl, "purge"):
        ttl.purge()
    assert ttl.get("x") is None
    assert ttl.stats.misses >= 1


def test_caches_are_safe_to_share_between_threads(cp: ModuleType) -> None:
    for cache in (cp.LRUCache(64), cp.LFUCache(64), cp.FIFOCache(64)):

        def hammer(offset: int, cache: object = cache) -> None:
            for i in range(3000):
                key = (i * 7 + offset) % 200
                if cache.get(key) is None:  # type: ignore[attr-defined]
                    cache.put(key, key)  # type: ignore[attr-defined]

        threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(cache) <= 64
        assert cache.stats.hits + cache.stats.misses == 8 * 3000


def test_memoize_caches_results_with_unhashable_arguments(cp: ModuleType) -> None:
    calls: list[object] = []

    @cp.memoize(cp.LRUCache(16))
    def total(values: list[int], options: dict[str, int]) -> int:
        calls.append(values)
        return sum(values) * options["times"]

    assert total([1, 2, 3], {"times": 2}) == 12
    assert total([1, 2, 3], {"times": 2}) == 12
    assert total([1, 2], {"times": 2}) == 6
    assert len(calls) == 2
    assert total.cache_info().hits == 1
    total.cache_clear()
    assert total([1, 2, 3], {"times": 2}) == 12
    assert len(calls) == 3


def test_memoize_typed_keys(cp: ModuleType) -> None:
    calls: list[object] = []

    @cp.memoize(typed=True)
    def ident(x: object) -> object:
        calls.append(x)
        return x

    ident(1)
    ident(1.0)
    assert len(calls) == 2

    @cp.memoize
    def plain(x: object) -> object:
        calls.append(x)
        return x

    plain(1)
    plain(1.0)
    assert len(calls) == 3


def test_workloads(cp: ModuleType) -> None:
    zipf = cp.zipf_keys(5000, universe=100, seed=1)
    assert len(zipf) == 5000 and all(0 <= k < 100 for k in zipf)
    assert zipf.count(0) > zipf.count(50) * 5  # popular keys dominate
    assert cp.zipf_keys(200, universe=100, seed=1) == cp.zipf_keys(200, universe=100, seed=1)
    uniform = cp.uniform_keys(1000, universe=10, seed=2)
    assert len(uniform) == 1000 and set(uniform) == set(range(10))
    assert cp.scan_keys(7, universe=3) == [0, 1, 2, 0, 1, 2, 0]
    assert len(cp.mixed_keys(500, universe=100, seed=3)) == 500


def test_benchmark_reports_hit_rates(cp: ModuleType) -> None:
    keys = cp.scan_keys(1000, universe=20)
    results = cp.benchmark({"lru": cp.LRUCache(10), "big": cp.LRUCache(40)}, keys, 1)
    assert results["lru"]["hit_rate"] == 0.0  # a scan larger than the cache: never a hit
    assert results["big"]["hit_rate"] == pytest.approx(980 / 1000)
    threaded = cp.benchmark({"lfu": cp.LFUCache(40)}, keys, 4)
    assert threaded["lfu"]["hit_rate"] == pytest.approx(980 / 1000, abs=0.01)


def test_command_line_prints_a_table(cp: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    assert cp.main(["--capacity", "10", "--count", "500"]) == 0
    out = capsys.readouterr().out.lower()
    for policy in ("lru", "lfu", "fifo"):
        assert policy in out
