"""What tests and benchmarks share: starting the app as a real server, and an offline Chromium.

Nothing here is a test; ``tests/browser/conftest.py`` turns these into pytest
fixtures and ``bench/`` calls them directly, so both measure the same app the
same way.
"""
