"""Escape Route Map: data, validation and map building, with no Streamlit imports.

The Streamlit pages in ``pages/`` stay thin: they read state, call into this
package, and draw. Everything here is testable with plain pytest.
"""

from geo.findings import Finding, Severity, format_finding, has_errors
from geo.load import Dataset, load_dataset
from geo.validate import validate

__all__ = [
    "Dataset",
    "Finding",
    "Severity",
    "format_finding",
    "has_errors",
    "load_dataset",
    "validate",
]
