"""Every read of the stores app, scoped to the person or to the store asking."""
