"""Dialogs of their own: the crash report."""
