"""What the data says in words and pictures: figures, quotes, the route as text, sources, tour, charts.

Every function that produces text takes the translator (``Strings``) as a
required argument: a forgotten one is an error, never silent English.
"""
