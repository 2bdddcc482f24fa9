"""Yonder's HTTP client: socket + ssl + h11. Standard library and h11/certifi only; never Qt."""
