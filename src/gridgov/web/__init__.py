"""The top of the building: the pages that bring several domains together (the home)."""
