"""Escape Route Map: everything but the Streamlit pages, importable and testable without Streamlit.

How data flows, one package per step:

* ``geo.data``: the files in ``data/`` → parsed once → validated → ``Dataset``;
* ``geo.story``: what the data says in words: figures, quotes, tour, charts, languages;
* ``geo.map``: the ``Dataset`` drawn as a ``folium.Map`` (theme, elements, geometry);
* ``geo.edit``: changing the data safely (accounts, staging, diffs, saves, history);
* ``geo.export``: files made from it all (the screening pack);
* ``geo.cli``: ``python -m geo`` for maintainers and presenters.
"""
