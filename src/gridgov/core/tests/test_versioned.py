from gridgov.core.versioned import VersionedCache


def test_builds_once_per_version_and_again_after_a_reset() -> None:
    stamp = [1]
    built: list[int] = []

    def build(version: int) -> str:
        built.append(version)
        return f"value@{version}"

    cache = VersionedCache(lambda: stamp[0], build)
    assert (cache.get(), cache.get()) == ("value@1", "value@1")
    stamp[0] = 2
    assert cache.get() == "value@2"
    cache.reset()
    assert cache.get() == "value@2"
    assert built == [1, 2, 2]
