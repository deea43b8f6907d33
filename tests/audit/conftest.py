"""The resident with something of everything, shared with the privacy tests."""
from tests.privacy.conftest import rich  # noqa: F401  (a fixture)
