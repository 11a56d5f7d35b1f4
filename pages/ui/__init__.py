"""The Streamlit layer's shared pieces, one concern per module.

* ``state``: what lives in the URL and the session (language, and helpers for
  a page's own query parameters);
* ``cache``: the data store and the one cache scheme, keyed by data version and language;
* ``folium_widget``: the single door to streamlit-folium, with every accommodation it needs;
* ``feedback``: how data problems are shown (to maintainers only);
* ``maintainers``: who may sign in to the editor.
"""
