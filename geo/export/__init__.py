"""Files made from the data for use without the app: the one-file screening pack."""
