"""The real-shaped demo city: Nanjing's districts, subdistricts and communities."""
