"""The app's pages as ``st.Page`` objects, in the run's language: for ``app.py``'s navigation and for links.

Page titles are Markdown in the navigation (an image in one would be fetched), so they are labels.

A page's identity is its ``url_path``, so building the objects again (for a
``st.page_link``) names the same page ``st.navigation`` registered.

This is the one registry of pages. It imports no page module (each is imported
when its page runs), so a page may link to another through it without an import
circle: pages → nav, never nav → pages.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from geo.story.i18n import Strings
from geo.text import md_label


@dataclass(frozen=True)
class Pages:
    route: st.Page
    presenter: st.Page
    sources: st.Page
    editor: st.Page
    #: ``/route``, the Route Map's own name: opens the map at its canonical address, ``/``.
    route_alias: st.Page

    def listed(self) -> list[st.Page]:
        return [self.route, self.presenter, self.sources, self.editor, self.route_alias]


def _render(module: str) -> Callable[[], None]:
    """The ``render()`` of ``pages.<module>``, imported when the page runs."""

    def run() -> None:
        importlib.import_module(f"pages.{module}").render()

    # Streamlit reserves an address named after the function, even for the default page (served at /).
    run.__name__ = f"render_{module}"
    return run


def pages(tr: Strings) -> Pages:
    route, presenter, sources, editor = (_render(m) for m in ("route", "presenter", "sources", "editor"))
    return Pages(
        route=st.Page(route, title=md_label(tr("nav.route_map")), icon=":material/map:", default=True),
        presenter=st.Page(
            presenter,
            title=md_label(tr("nav.presenter")),
            icon=":material/slideshow:",
            url_path="presenter",
        ),
        sources=st.Page(
            sources, title=md_label(tr("nav.sources")), icon=":material/menu_book:", url_path="sources"
        ),
        editor=st.Page(editor, title=md_label(tr("nav.editor")), icon=":material/edit:", url_path="editor"),
        route_alias=st.Page(
            route, title=md_label(tr("nav.route_map")), url_path="route", visibility="hidden"
        ),
    )
