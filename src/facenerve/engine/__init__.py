"""The assessment engine: image in, numbers out. Pure functions over numpy arrays."""
