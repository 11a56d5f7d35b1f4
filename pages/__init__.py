"""The app's pages: each module is one page, drawn by its ``render()`` function.

``app.py`` hands these functions to ``st.Page`` and is the frame around them
(page setup, navigation, language, the data check). Importing a page module
draws nothing.

Streamlit treats a folder named ``pages/`` next to the entry point as its
legacy multipage layout until the first run of ``st.navigation`` in the
server: a fresh server's first visitor who deep-links to ``/editor`` gets
``pages/editor.py`` run as a script, without ``app.py``. So each page module
ends with ``if __name__ == "__main__": app.main()`` (a file run as a script is
``__main__``; an imported module never is): run alone, the page runs the app
it belongs to, whose ``st.navigation`` call (Streamlit's documented way out of
the legacy layout) then shows the requested page. ``tests/browser/
test_deep_links.py`` opens every page first on a fresh server.
"""
