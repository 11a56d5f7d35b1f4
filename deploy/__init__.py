"""Scale-out for screenings: N Streamlit replicas behind nginx on one machine (see deploy/README.md)."""
