"""Input and output at the edge of the core: safe image loading and exports."""
