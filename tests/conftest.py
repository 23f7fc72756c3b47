"""Suite-wide settings."""
import pytest


@pytest.fixture(scope="session", autouse=True)
def _openbmd_cache_dir(tmp_path_factory):
    """Fly-out tables are cached on disk; the suite uses its own cache folder (shared by the
    tests and the CLI subprocesses they start) and never reads a user's cache."""
    mp = pytest.MonkeyPatch()
    mp.setenv("OPENBMD_CACHE_DIR", str(tmp_path_factory.mktemp("openbmd-cache")))
    yield
    mp.undo()
