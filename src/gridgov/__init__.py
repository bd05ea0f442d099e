"""GridGov: grid-based community governance."""
