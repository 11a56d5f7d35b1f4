"""Baseline for cold start: the smallest Streamlit app."""

import streamlit as st

st.write("hello")
