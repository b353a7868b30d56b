import pytest


@pytest.fixture(autouse=True)
def _kept_files(settings, tmp_path_factory):
    """Published versions' kept files (``reports/exports.py``) go to a folder of this test's
    own, never into the checkout's var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
