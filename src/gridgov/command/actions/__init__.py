"""Every write of linked command: centres and members (centres), instructions and receipts
(instructions), plans, activations and orders (plans), duty shifts and swaps (rosters)."""
