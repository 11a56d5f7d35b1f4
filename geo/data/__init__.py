"""The data: file names, schema, parsing, validation rules, and the ``Dataset`` the pages draw.

The flow is ``read_files`` → ``validate_files`` (parse once, check) → ``build_dataset``
(from the parsed records); ``DataStore`` does all three for the app and keeps
the last good data.
"""

from geo.data.dataset import DataError, Dataset, build_dataset, load_dataset, load_files
from geo.data.findings import Finding, Severity, format_finding, has_errors
from geo.data.store import DataStore, Snapshot
from geo.data.validation import Validation, read_files, validate, validate_files

__all__ = [
    "DataError",
    "DataStore",
    "Dataset",
    "Finding",
    "Severity",
    "Snapshot",
    "Validation",
    "build_dataset",
    "format_finding",
    "has_errors",
    "load_dataset",
    "load_files",
    "read_files",
    "validate",
    "validate_files",
]
