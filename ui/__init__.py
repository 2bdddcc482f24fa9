"""Yonder's PySide6 widgets. They use net's public names and never socket or ssl."""
