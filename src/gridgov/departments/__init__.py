"""Departments and command sub-centres that receive dispatched work."""
