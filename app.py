"""Escape Route Map: the entry point (``./run`` starts it).

The frame of every page (page setup, navigation, language, the data check) is
``pages.ui.frame.main``; the pages are the ``render()`` functions of the modules
in ``pages/``, listed once in ``pages.ui.nav``. All logic is in ``geo/``.
"""

from __future__ import annotations

from pages.ui.frame import main

if __name__ == "__main__":
    main()
