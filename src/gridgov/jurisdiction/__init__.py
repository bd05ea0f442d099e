"""The jurisdiction tree (city → district → subdistrict → community → grid) and overlay layers."""
