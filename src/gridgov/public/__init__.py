"""What the public side shares: the residents' pages and the Open311 API both answer callers
who have no account, so both count them by a hashed address, limit them the same way and
send a reporter back to their report by the same link."""
