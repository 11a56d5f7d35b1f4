"""Changing the data safely: who may edit, staging and diffing a change, saving it, and its history."""
