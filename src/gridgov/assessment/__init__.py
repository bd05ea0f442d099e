"""Assessment (监督考核): indicators per department and level, from the event timeline."""
